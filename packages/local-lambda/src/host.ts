// Runs a service's functions locally: each built on first use (builder.ts), all of them in
// one worker thread, and a saved change reloaded without a restart.
//
// A reload starts a new worker ("generation") for the next invocations and lets the old one
// finish the invocations it is running, then ends it: in-flight requests complete on the old
// code, and the old code's memory goes with its thread (ES modules cannot be unloaded from a
// running thread). Only a change to a file that a function *loaded in the current worker* was
// built from starts a new one.
//
// Why a worker thread and not the host's own thread (sls offline's useInProcess): the process
// that runs npm start also serves the embedded DynamoDB and the token check; the functions'
// SDK work (about 3 ms of CPU per call here) on the same thread would hold all three to one
// core. The cost is a postMessage each way, tens of µs (npm run bench, end to end).
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import type { BuildError, BuildOutcome, FunctionBuilder } from './builder.js';
import type { FunctionSpec } from './functions.js';
import type { FromWorker, ToWorker, WorkerError, WorkerFunction } from './protocol.js';

export type Invocation =
  | { ok: true; value: unknown }
  /** The function's code does not build: the errors esbuild reported. */
  | { ok: false; reason: 'build'; errors: BuildError[] }
  /** Its module failed to load (`init`) or the handler threw or rejected (`invoke`). */
  | { ok: false; reason: 'error'; phase: 'init' | 'invoke'; error: WorkerError }
  | { ok: false; reason: 'timeout'; timeoutMs: number }
  /** The worker thread ended while the invocation ran (process.exit, a fatal error). */
  | { ok: false; reason: 'crash'; message: string };

export interface ReloadReport {
  /** The functions the changed files are part of. */
  functions: string[];
  /** The build of one of them (errors in a changed file break all of them alike). */
  outcome: BuildOutcome;
  /** Whether a new worker was started (a function loaded in the old one changed). */
  restarted: boolean;
  ms: number;
}

export interface FunctionHostOptions {
  builder: FunctionBuilder;
  functions: readonly FunctionSpec[];
  /** The worker's environment, under each function's own (credentials, region, endpoint). */
  env: Record<string, string>;
  /** Each line the functions print. */
  output: (line: string) => void;
  /**
   * Where the functions' metric lines go (CloudWatch embedded metric format, one per request),
   * appended, instead of to `output`: unset, they are printed like the rest.
   */
  metricsFile?: string;
  /**
   * Whether an invocation gives up after the function's timeout (default true). Off under a
   * debugger: a paused breakpoint must not turn the request into a 503.
   */
  timeouts?: boolean;
}

interface Generation {
  worker: Worker;
  pending: Map<number, (message: FromWorker) => void>;
  loaded: Set<string>;
  retiring: boolean;
  exited: Promise<void>;
}

let compiledWorker: Promise<string> | undefined;

/**
 * The worker's script, compiled once per process (esbuild, a few ms), so that the thread starts
 * without a TypeScript loader. Named after its contents: processes of one checkout share it.
 */
function workerScript(outDir: string): Promise<string> {
  compiledWorker ??= (async () => {
    const source = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url));
    const result = await esbuild.build({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source', 'module'],
      write: false,
      logLevel: 'silent',
    });
    const contents = result.outputFiles[0]!.contents;
    const outfile = join(outDir, `worker-${createHash('sha256').update(contents).digest('hex').slice(0, 12)}.mjs`);
    await mkdir(dirname(outfile), { recursive: true });
    const temporary = `${outfile}.${process.pid}.tmp`;
    await writeFile(temporary, contents);
    await rename(temporary, outfile);
    return outfile;
  })();
  return compiledWorker;
}

export class FunctionHost {
  readonly #options: FunctionHostOptions;
  readonly #functions: Map<string, FunctionSpec>;
  readonly #builds = new Map<string, Promise<BuildOutcome>>();
  readonly #retired = new Set<Generation>();
  #current: Generation | undefined;
  #nextId = 1;
  #lastUsed = new Map<string, number>();
  #changes: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(options: FunctionHostOptions) {
    this.#options = options;
    this.#functions = new Map(options.functions.map((fn) => [fn.name, fn]));
  }

  get functions(): FunctionSpec[] {
    return [...this.#functions.values()];
  }

  /** The function's current build: the last one, unless a change made it stale. */
  #build(name: string): Promise<BuildOutcome> {
    let build = this.#builds.get(name);
    if (!build) {
      build = this.#options.builder.build(name);
      this.#builds.set(name, build);
      build.catch(() => this.#builds.delete(name));
    }
    return build;
  }

  async #spawn(): Promise<Generation> {
    const script = await workerScript(dirname(this.#options.builder.outDir));
    const worker = new Worker(script, {
      env: { ...process.env, ...this.#options.env },
      workerData: { metricsFile: this.#options.metricsFile },
      stdout: true,
      stderr: true,
      // No TypeScript loader in the thread: it runs the compiled script and the bundles.
      execArgv: process.execArgv.filter((arg) => !/^--(import|require|loader|experimental-loader)\b/.test(arg) && arg !== 'tsx'),
    });
    const generation: Generation = {
      worker,
      pending: new Map(),
      loaded: new Set(),
      retiring: false,
      exited: new Promise((resolve) => worker.once('exit', () => resolve())),
    };
    for (const stream of [worker.stdout, worker.stderr] as Readable[]) {
      createInterface({ input: stream }).on('line', (line) => line.trim() && this.#options.output(line));
    }
    worker.on('message', (message: FromWorker) => {
      const settle = generation.pending.get(message.id);
      generation.pending.delete(message.id);
      settle?.(message);
      this.#retireIfIdle(generation);
    });
    worker.on('error', () => undefined); // reported through 'exit' to the pending invocations
    void generation.exited.then(() => {
      for (const [id, settle] of generation.pending) {
        settle({ type: 'result', id, ok: false, phase: 'invoke', error: { name: 'WorkerExit', message: 'the worker thread ended' } });
      }
      generation.pending.clear();
      if (this.#current === generation) this.#current = undefined;
      this.#retired.delete(generation);
    });
    worker.unref();
    return generation;
  }

  #currentGeneration(): Promise<Generation> {
    if (this.#current) return Promise.resolve(this.#current);
    return this.#spawn().then((generation) => {
      if (this.#current) {
        void generation.worker.terminate();
        return this.#current;
      }
      this.#current = generation;
      return generation;
    });
  }

  #retireIfIdle(generation: Generation): void {
    if (generation.retiring && generation.pending.size === 0) void generation.worker.terminate();
  }

  #workerFunction(fn: FunctionSpec, file: string): WorkerFunction {
    return {
      name: fn.name,
      deployedName: fn.deployedName,
      file,
      exportName: fn.exportName,
      environment: fn.environment,
      timeoutMs: fn.timeoutMs,
      memoryMb: fn.memoryMb,
    };
  }

  /** Runs the function with `event`, as Lambda would; never rejects: every failure is a value. */
  async invoke(name: string, event: unknown, options: { awsRequestId?: string } = {}): Promise<Invocation> {
    const fn = this.#functions.get(name);
    if (!fn) return { ok: false, reason: 'error', phase: 'init', error: { name: 'Error', message: `no function ${name}` } };
    if (this.#stopped) return { ok: false, reason: 'crash', message: 'the host has stopped' };
    const build = await this.#build(name);
    if (!build.ok) return { ok: false, reason: 'build', errors: build.errors };
    this.#lastUsed.set(name, Date.now());
    const generation = await this.#currentGeneration();
    generation.loaded.add(name);
    const id = this.#nextId++;
    const message: ToWorker = {
      type: 'invoke',
      id,
      fn: this.#workerFunction(fn, build.file),
      event,
      awsRequestId: options.awsRequestId ?? randomUUID(),
    };
    return new Promise<Invocation>((resolve) => {
      const timer =
        this.#options.timeouts === false
          ? undefined
          : setTimeout(() => {
              generation.pending.delete(id);
              this.#retireIfIdle(generation);
              resolve({ ok: false, reason: 'timeout', timeoutMs: fn.timeoutMs });
            }, fn.timeoutMs);
      generation.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.type !== 'result') return;
        if (reply.ok) resolve({ ok: true, value: reply.value });
        else if (reply.error.name === 'WorkerExit') resolve({ ok: false, reason: 'crash', message: reply.error.message });
        else resolve({ ok: false, reason: 'error', phase: reply.phase, error: reply.error });
      });
      generation.worker.postMessage(message);
    });
  }

  /** Sets variables of a function's environment (what stands in locally for a value only CloudFormation resolves); the next invocations see them. */
  setEnvironment(name: string, variables: Record<string, string>): void {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    this.#functions.set(name, { ...fn, environment: { ...fn.environment, ...variables } });
  }

  /** Builds the function and loads its module in the worker, so that its first invocation pays for neither. */
  async prepare(name: string): Promise<BuildOutcome> {
    const fn = this.#functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    const build = await this.#build(name);
    if (!build.ok) return build;
    const generation = await this.#currentGeneration();
    generation.loaded.add(name);
    const id = this.#nextId++;
    const loaded = await new Promise<FromWorker>((resolve) => {
      generation.pending.set(id, resolve);
      generation.worker.postMessage({ type: 'load', id, fn: this.#workerFunction(fn, build.file) } satisfies ToWorker);
    });
    if (loaded.type === 'loaded' && !loaded.ok) return { ok: false, errors: [{ text: `${loaded.error.name}: ${loaded.error.message}` }] };
    return build;
  }

  /** Retires the current worker: the next invocation starts a new one; the old one ends when it has nothing left to run. */
  #rotate(): void {
    const old = this.#current;
    if (!old) return;
    this.#current = undefined;
    old.retiring = true;
    this.#retired.add(old);
    this.#retireIfIdle(old);
    // Started now, so that the next request does not wait for the thread.
    void this.#currentGeneration();
  }

  /**
   * Files were saved: rebuilds what they concern and reloads it. Undefined when no function
   * of this host is built from any of them. Changes are handled one at a time, in order.
   */
  changed(files: readonly string[]): Promise<ReloadReport | undefined> {
    const next = this.#changes.then(() => this.#changed(files));
    this.#changes = next.catch(() => undefined);
    return next;
  }

  async #changed(files: readonly string[]): Promise<ReloadReport | undefined> {
    if (this.#stopped) return undefined;
    const started = performance.now();
    const names = this.#options.builder.affectedBy(files).filter((name) => this.#functions.has(name));
    if (names.length === 0) return undefined;
    this.#options.builder.markStale(names);
    for (const name of names) this.#builds.delete(name);
    // One build tells whether the change compiles; the others are built when next invoked.
    const first = [...names].sort((a, b) => (this.#lastUsed.get(b) ?? 0) - (this.#lastUsed.get(a) ?? 0))[0]!;
    const outcome = await this.#build(first);
    const restarted = names.some((name) => this.#current?.loaded.has(name));
    if (restarted) this.#rotate();
    return { functions: names, outcome, restarted, ms: performance.now() - started };
  }

  /**
   * Stops the workers. With `drain`, each finishes the invocations it runs first (at most
   * `graceMs`): what a host replaced after a serverless.yml change does.
   */
  async stop(options: { drain?: boolean; graceMs?: number } = {}): Promise<void> {
    this.#stopped = true;
    const generations = [...this.#retired, ...(this.#current ? [this.#current] : [])];
    this.#current = undefined;
    if (options.drain) {
      for (const generation of generations) {
        generation.retiring = true;
        this.#retireIfIdle(generation);
      }
      const grace = new Promise<void>((resolve) => setTimeout(resolve, options.graceMs ?? 15_000).unref());
      await Promise.race([Promise.all(generations.map((generation) => generation.exited)), grace]);
    }
    await Promise.all(generations.map((generation) => generation.worker.terminate()));
  }
}
