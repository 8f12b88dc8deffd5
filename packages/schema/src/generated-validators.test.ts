// Guards the build-time compilation: the runtime path must never compile a schema (no ajv
// compiler, no `new Function`), and the generated ESM must survive an esbuild bundle as the
// Lambda handlers use it. esbuild and tsx are the workspace root's devDependencies.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = resolve(import.meta.dirname, '..');
const entry = resolve(packageDir, 'src/index.ts');

describe('generated validators', () => {
  it('contain no runtime schema compilation and no CommonJS require', () => {
    // Act
    const source = readFileSync(resolve(packageDir, 'src/generated/validators.js'), 'utf8');

    // Assess
    // (matches rather than the whole file, so that a failure prints something readable)
    expect(source.match(/new Ajv|\.compile\(|new Function|require\(/g)).toBeNull();
    expect(source.match(/^export const ProjectCreate = /gm)).toHaveLength(1);
  });

  it('load no ajv compiler module when the package is imported', () => {
    // Prepare: a fresh process, so that nothing else has loaded ajv yet.
    const script = `
      import Module from 'node:module';
      const index = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const ok = index.validateProjectCreate({ name: 'n' }).ok;
      const ajvFiles = Object.keys(Module._cache).filter((file) => /[\\\\/]ajv(-formats)?[\\\\/]/.test(file));
      console.log(JSON.stringify({ ok, ajvFiles }));`;

    // Act
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
    });

    // Assess
    const { ok, ajvFiles } = JSON.parse(output) as { ok: boolean; ajvFiles: string[] };
    expect(ok).toBe(true);
    const relative = ajvFiles.map((file) => file.slice(file.lastIndexOf('node_modules')).replaceAll('\\', '/')).sort();
    expect(relative).toEqual(['node_modules/ajv-formats/dist/formats.js', 'node_modules/ajv/dist/runtime/ucs2length.js']);
  });

  it.each(['esm', 'cjs'] as const)('work when bundled by esbuild as %s', async (format) => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'schema-bundle-'));
    const outfile = join(dir, format === 'esm' ? 'bundle.mjs' : 'bundle.cjs');

    try {
      // Act
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format, outfile, logLevel: 'silent' });
      const bundle = readFileSync(outfile, 'utf8');
      const script = `const m = await import(${JSON.stringify(pathToFileURL(outfile).href)});
        console.log(JSON.stringify([m.validateTaskCreate({ title: 't', dueDate: '2026-02-30' }), m.validateTaskCreate({ title: 't', dueDate: '2026-02-28' }).ok]));`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });

      // Assess
      expect(bundle).not.toContain('new Function');
      expect(JSON.parse(output)).toEqual([
        { ok: false, errors: [{ pointer: '/body/dueDate', message: 'must match format "date"' }] },
        true,
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
