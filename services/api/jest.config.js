import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

// `import text from 'pkg/file?raw'` gives a file's text as a string (src/raw.d.ts): the
// functions' bundles get it from services/esbuild-plugins.mjs. Jest never sees the `?raw`:
// its ESM loader splits a specifier's ?query off before moduleNameMapper, the
// resolver and the transforms see it (the query only keys the module instance, as in Node:
// splitQueryAndFragment in jest-runtime 30), so a `^(.+)\?raw$` mapper never matches and
// the file itself is loaded as code. So the files that src/ imports with `?raw` are listed
// here, read from the sources as the esbuild plugin reads them and resolved from the file
// that imports them, and jest.raw-transform.js makes exactly those files (nothing else, in
// or out of node_modules) a module whose default export is their text. A new `?raw` import
// needs no change here; production code and the bundles are untouched.
const src = new URL('./src/', import.meta.url);
const RAW_IMPORT = /\bfrom\s+['"]([^'"]+)\?raw['"]/g;
const rawFiles = new Set();
for (const file of readdirSync(src, { recursive: true })) {
  if (!/\.[cm]?ts$/.test(file) || file.endsWith('.d.ts')) continue;
  const url = new URL(file, src);
  for (const [, specifier] of readFileSync(url, 'utf8').matchAll(RAW_IMPORT)) rawFiles.add(createRequire(url).resolve(specifier));
}
const anyRawFile = [...rawFiles].map((path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

// Every invocation writes an EMF metric line (src/http/metrics.ts): off for the suites (the
// fuzz suite alone would print thousands), on in test/metrics.test.ts, which reads them.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

/** @type {import('jest').Config} */
export default {
  preset: '../../jest.preset.js',
  ...(rawFiles.size > 0 && {
    transform: { [`^(?:${anyRawFile})$`]: '<rootDir>/jest.raw-transform.js' },
    // Jest transforms nothing under node_modules by default: except the files above.
    transformIgnorePatterns: [`^(?!(?:${anyRawFile})$).*/node_modules/`],
  }),
  // What the suite reaches (99.8% of lines), rounded down: a change that leaves code untested fails.
  coverageThreshold: { global: { lines: 99 } },
};
