// analyze: self time by module (esbuild's "// path" comments in the non-minified bundle)
import { readFileSync, readdirSync } from 'node:fs';
for (const name of ['ours', 'base']) {
  const dir = `/tmp/bx/cpuprof-${name}`;
  const prof = JSON.parse(readFileSync(`${dir}/${readdirSync(dir)[0]}`, 'utf8'));
  const dt = new Map(); prof.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const files = new Map();
  const modOf = (url, line) => {
    if (!url.includes('/tmp/bx/prof')) return url ? url.replace(/^.*\/node_modules\//, '') .replace(/^node:/, 'node:') : '(native/gc/idle)';
    const path = url.replace('file://', '');
    if (!files.has(path)) { const lines = readFileSync(path, 'utf8').split('\n'); const marks = []; lines.forEach((l, i) => { const m = l.match(/^\/\/ (\S+)$/); if (m) marks.push([i, m[1]]); }); files.set(path, marks); }
    const marks = files.get(path); let mod = 'bundle-top';
    for (const [i, m] of marks) { if (i <= line) mod = m; else break; }
    return mod.replace(/^.*node_modules\//, '').replace(/\/(dist-es|lib\/esm|dist-cjs|dist)\/.*/, '');
  };
  const agg = new Map(); let total = 0;
  for (const n of prof.nodes) { const t = dt.get(n.id) ?? 0; total += t; const k = modOf(n.callFrame.url, n.callFrame.lineNumber); agg.set(k, (agg.get(k) ?? 0) + t); }
  console.log(`== ${name} total ${(total/1000).toFixed(1)} ms`);
  for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 22)) console.log(`  ${(v/1000).toFixed(1).padStart(7)} ${k}`);
}
