// Builds each function of a service on its own, with the esbuild options serverless-esbuild
// derives from custom.esbuild (bundle-options.ts), when it is first needed and again when a
// file it was built from changes. Each build's inputs (esbuild's metafile) are the function's
// module graph: a saved file rebuilds only the functions that bundle it.
//
// Why one build per function, on demand: building all fifteen API functions in one esbuild
// run takes 1.1 to 1.2 s here (serverless-esbuild's build before `sls offline` serves, 2.7 s
// minified), and one function takes 0.2 s the first time, 0.1 to 0.15 s again. Builds are
// kept on disk with the size and mtime of every input, so a warm start builds nothing.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { esbuildOptionsFrom, loadPlugins } from './bundle-options.js';
import type { FunctionSpec } from './functions.js';

export interface BuildError {
  /** Absolute path of the file the error is in, when esbuild names one. */
  file?: string;
  line?: number;
  column?: number;
  text: string;
}

export type BuildOutcome = { ok: true; file: string; inputs: string[] } | { ok: false; errors: BuildError[] };

export interface BuilderOptions {
  serviceDir: string;
  /** Where the bundles, their maps and their input lists are written. */
  outDir: string;
  /** The service's custom.esbuild, as resolved. */
  esbuild: Record<string, unknown>;
  functions: readonly FunctionSpec[];
}

/** One input's identity for the freshness check: size and modification time. */
type Stamp = [size: number, mtimeMs: number];

interface Manifest {
  options: string;
  inputs: Record<string, Stamp>;
}

async function stampOf(file: string): Promise<Stamp | undefined> {
  try {
    const info = await stat(file);
    return [info.size, info.mtimeMs];
  } catch {
    return undefined;
  }
}

async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/** `path:line:column: text`, the one line a failed build is reported in (paths relative to `from`). */
export function formatBuildError(error: BuildError, from?: string): string {
  const file = error.file && from ? error.file.replace(`${from.replace(/\/$/, '')}/`, '') : error.file;
  const where = file ? `${file}${error.line ? `:${error.line}:${error.column ?? 0}` : ''}: ` : '';
  return `${where}${error.text}`;
}

export class FunctionBuilder {
  readonly #options: BuilderOptions;
  readonly #functions: Map<string, FunctionSpec>;
  readonly #contexts = new Map<string, Promise<esbuild.BuildContext<{ write: false; metafile: true }>>>();
  readonly #inputs = new Map<string, Set<string>>();
  readonly #stale = new Set<string>();
  readonly #running = new Map<string, Promise<BuildOutcome>>();
  #base: Promise<esbuild.BuildOptions> | undefined;

  constructor(options: BuilderOptions) {
    this.#options = options;
    this.#functions = new Map(options.functions.map((fn) => [fn.name, fn]));
  }

  /** Where the bundles are written. */
  get outDir(): string {
    return this.#options.outDir;
  }

  /** The bundle a function runs from (written by its last successful build). */
  outputFile(name: string): string {
    return join(this.#options.outDir, `${name}.mjs`);
  }

  /**
   * The options every function is built with: serverless-esbuild's, with what a local build
   * wants on top: no minification (0.05 s faster, readable frames), and the sources in the
   * maps so that a debugger shows the TypeScript without reading it from disk. What
   * `sls package` builds is not changed by any of this.
   */
  #baseOptions(): Promise<esbuild.BuildOptions> {
    this.#base ??= loadPlugins(this.#options.esbuild, this.#options.serviceDir).then((plugins) => ({
      ...esbuildOptionsFrom(this.#options.esbuild, plugins),
      absWorkingDir: this.#options.serviceDir,
      outdir: this.#options.outDir,
      minify: false,
      sourcemap: 'linked',
      sourcesContent: true,
      metafile: true,
      write: false,
      logLevel: 'silent',
    }));
    return this.#base;
  }

  #optionsKey(): string {
    return JSON.stringify(this.#options.esbuild);
  }

  /** The functions whose last build read any of `files` (absolute paths). */
  affectedBy(files: readonly string[]): string[] {
    return [...this.#inputs].filter(([, inputs]) => files.some((file) => inputs.has(file))).map(([name]) => name);
  }

  /** Marks functions for a rebuild on their next build() (a file they were built from changed). */
  markStale(names: readonly string[]): void {
    for (const name of names) this.#stale.add(name);
  }

  /** The function's bundle, built if it is missing or older than any of its inputs. Concurrent calls share one build. */
  build(name: string): Promise<BuildOutcome> {
    const running = this.#running.get(name);
    if (running) return running;
    const build = this.#build(name).finally(() => this.#running.delete(name));
    this.#running.set(name, build);
    return build;
  }

  async #build(name: string): Promise<BuildOutcome> {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    if (!this.#stale.has(name) && !this.#contexts.has(name)) {
      const cached = await this.#cached(name);
      if (cached) return cached;
    }
    this.#stale.delete(name);
    let context = this.#contexts.get(name);
    if (!context) {
      context = this.#baseOptions().then((base) =>
        esbuild.context({ ...base, entryPoints: { [name]: fn.entry }, write: false, metafile: true }),
      );
      this.#contexts.set(name, context);
    }
    let result: esbuild.BuildResult<{ write: false; metafile: true }>;
    try {
      result = await (await context).rebuild();
    } catch (error) {
      const failure = error as esbuild.BuildFailure;
      if (!Array.isArray(failure.errors)) throw error;
      // Without a metafile the failed build's inputs are unknown: the file that broke is one
      // of them, so a save of it rebuilds this function.
      const inputs = this.#inputs.get(name) ?? new Set<string>();
      for (const message of failure.errors) if (message.location) inputs.add(resolve(this.#options.serviceDir, message.location.file));
      this.#inputs.set(name, inputs);
      return { ok: false, errors: failure.errors.map((message) => this.#error(message)) };
    }
    await mkdir(this.#options.outDir, { recursive: true });
    // The map first: a worker that imports the bundle finds the map that goes with it.
    const outputs = [...result.outputFiles].sort((a, b) => Number(a.path.endsWith('.mjs')) - Number(b.path.endsWith('.mjs')));
    for (const output of outputs) await writeAtomically(output.path, output.contents);
    const inputs = Object.keys(result.metafile.inputs)
      .filter((input) => !input.includes(':'))
      .map((input) => resolve(this.#options.serviceDir, input));
    this.#inputs.set(name, new Set(inputs));
    const stamps: Record<string, Stamp> = {};
    for (const input of inputs) {
      const stamp = await stampOf(input);
      if (stamp) stamps[input] = stamp;
    }
    const manifest: Manifest = { options: this.#optionsKey(), inputs: stamps };
    await writeAtomically(join(this.#options.outDir, `${name}.inputs.json`), JSON.stringify(manifest));
    return { ok: true, file: this.outputFile(name), inputs };
  }

  #error(message: esbuild.Message): BuildError {
    const location = message.location;
    if (!location) return { text: message.text };
    // esbuild counts columns from 0; editors and `file:line:column` links count from 1.
    return { file: resolve(this.#options.serviceDir, location.file), line: location.line, column: location.column + 1, text: message.text };
  }

  /** The bundle of an earlier run, when it exists and none of its inputs changed since. */
  async #cached(name: string): Promise<BuildOutcome | undefined> {
    let manifest: Manifest;
    try {
      manifest = JSON.parse(await readFile(join(this.#options.outDir, `${name}.inputs.json`), 'utf8')) as Manifest;
    } catch {
      return undefined;
    }
    if (manifest.options !== this.#optionsKey() || !(await stampOf(this.outputFile(name)))) return undefined;
    const inputs = Object.keys(manifest.inputs);
    const stamps = await Promise.all(inputs.map((input) => stampOf(input)));
    const fresh = stamps.every(
      (stamp, i) => stamp && stamp[0] === manifest.inputs[inputs[i]!]![0] && stamp[1] === manifest.inputs[inputs[i]!]![1],
    );
    if (!fresh) return undefined;
    this.#inputs.set(name, new Set(inputs));
    return { ok: true, file: this.outputFile(name), inputs };
  }

  /** Reads every function's input list of an earlier run, so that changes are traced before anything is built again. */
  async loadKnownInputs(): Promise<void> {
    await Promise.all(
      [...this.#functions.keys()].map(async (name) => {
        try {
          const manifest = JSON.parse(await readFile(join(this.#options.outDir, `${name}.inputs.json`), 'utf8')) as Manifest;
          if (!this.#inputs.has(name)) this.#inputs.set(name, new Set(Object.keys(manifest.inputs)));
        } catch {
          // never built here
        }
      }),
    );
  }

  async dispose(): Promise<void> {
    const contexts = [...this.#contexts.values()];
    this.#contexts.clear();
    await Promise.all(contexts.map(async (context) => (await context).dispose()));
  }
}

/** The folder a service's builds are kept in: under the workspace's node_modules/.cache, one per service folder. */
export function defaultBuildDir(rootDir: string, serviceDir: string): string {
  const key = createHash('sha256').update(resolve(serviceDir)).digest('hex').slice(0, 12);
  return join(rootDir, 'node_modules', '.cache', 'local-lambda', `${basename(serviceDir)}-${key}`);
}
