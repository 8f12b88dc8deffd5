// Guards the build-time compilation: the runtime path must never compile a schema (no ajv
// compiler, no `new Function`), the generated ESM must survive an esbuild bundle as the
// Lambda handlers use it, and a bundle must keep only the validators (and the data) it uses.
// esbuild and tsx are the workspace root's devDependencies.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from '@jest/globals';
import { schemas } from './schemas.js';

const packageDir = resolve(import.meta.dirname, '..');
const entry = resolve(packageDir, 'src/index.ts');
const validatorsDir = resolve(packageDir, 'src/generated/validators');

describe('generated validators', () => {
  it('are one module per schema, with its declarations', () => {
    // Act
    const files = readdirSync(validatorsDir).sort();

    // Assess
    const names = Object.keys(schemas).sort();
    expect(files).toEqual(names.flatMap((name) => [`${name}.d.ts`, `${name}.js`]).sort());
  });

  describe.each(Object.keys(schemas).sort())('the module of %s', (name) => {
    const source = () => readFileSync(resolve(validatorsDir, `${name}.js`), 'utf8');

    it('compiles no schema at run time and has no CommonJS require', () => {
      // (matches rather than the whole file, so that a failure prints something readable)
      expect(source().match(/new Ajv|\.compile\(|new Function|require\(/g)).toBeNull();
    });

    it("exports exactly its validator, under the schema's name", () => {
      expect(source().match(/^export .*/gm)).toEqual([`export const ${name} = ${/validate\d+/.exec(source())![0]};`]);
    });
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

  describe('when bundled by esbuild as the Lambda functions are (sideEffects: false)', () => {
    /** The package's inputs that reach a bundle of `code` (imports from src/index.ts), by path relative to src/. */
    async function bundledInputs(code: string): Promise<{ inputs: string[]; output: string }> {
      const result = await build({
        stdin: { contents: code, resolveDir: resolve(packageDir, 'src'), loader: 'ts', sourcefile: 'entry.ts' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        metafile: true,
        write: false,
        logLevel: 'silent',
      });
      const [output] = Object.values(result.metafile.outputs);
      const inputs = Object.entries(output!.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([file]) => file.replace(/^.*?node_modules\//, '').replace(/^(\.\.\/)*(packages\/schema\/)?src\//, ''))
        .filter((file) => file !== 'entry.ts')
        .sort();
      return { inputs, output: result.outputFiles[0]!.text };
    }

    it('keep no validator, no schema and no route list for a route that validates nothing', async () => {
      // Act: what every handler imports (problem types, path and header patterns)
      const { inputs, output } = await bundledInputs(
        `import { ID_PATTERN, PROBLEM_TYPES, RETRY_AFTER_SECONDS } from './index.ts'; console.log(ID_PATTERN, PROBLEM_TYPES, RETRY_AFTER_SECONDS);`,
      );

      // Assess
      expect(inputs).toEqual(['problems.ts', 'route-definition.ts']);
      expect(output).not.toContain('operationId');
    });

    it('keep only the validator a body validation uses, and its runtime helpers', async () => {
      // Act
      const { inputs } = await bundledInputs(`import { validateTaskCreate } from './index.ts'; console.log(validateTaskCreate({}));`);

      // Assess
      expect(inputs).toEqual([
        'ajv-formats/dist/formats.js', // the `date` format of dueDate
        'ajv/dist/runtime/ucs2length.js',
        'generated/validators/TaskCreate.js',
        'properties.ts', // the read-only fields of the task, for a clearer message
        'resources/tasks.ts',
        'schemas.ts',
        'validate.ts',
      ]);
    });

    it('keep no OpenAPI tables for the API title alone', async () => {
      // Act
      const { inputs } = await bundledInputs(`import { API_TITLE } from './index.ts'; console.log(API_TITLE);`);

      // Assess
      expect(inputs).toEqual(['openapi.ts']);
    });
  });
});
