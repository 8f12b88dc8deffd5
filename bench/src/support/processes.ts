// Child processes of the benchmarks: started with their output captured, awaited on an IPC
// message (the local stack) or a line they print (the baselines), and always stopped (SIGTERM
// or SIGINT, then SIGKILL after a grace period).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const BENCH_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL('../../.build/', import.meta.url));

/** node with the workspace's TypeScript loader, as the root scripts run. */
export const TSX_ARGS = ['--conditions=source', '--import', 'tsx'];

export interface Child {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects on timeout or exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  /** The first IPC message (received so far or later) that `accept` takes (children started with `ipc: true`), with when it arrived. */
  message(accept: (message: ChildMessage) => boolean, timeoutMs: number): Promise<{ message: ChildMessage; at: number }>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export type ChildMessage = { type: string; [key: string]: unknown };

const running = new Set<Child>();

export function startChild(name: string, command: string, args: string[], options: SpawnOptions & { ipc?: boolean } = {}): Child {
  const { ipc, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])], ...spawnOptions });
  const messages: { message: ChildMessage; at: number }[] = [];
  const messageWaiters = new Set<() => void>();
  child.on('message', (message: ChildMessage) => {
    messages.push({ message, at: performance.now() });
    for (const check of messageWaiters) check();
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    // Keep memory bounded for chatty children: the tail is what waitFor and errors need.
    if (text.length > 1_000_000) text = text.slice(-200_000);
    for (const check of waiters) check();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    // Not started at all (no such command or folder): reported as an exit, with the reason in the output.
    child.once('error', (error) => {
      text += `\n${name}: ${error.message}\n`;
      resolve(null);
    });
  });
  const handle: Child = {
    name,
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`${name}: timed out after ${timeoutMs} ms waiting for ${pattern}; output:\n${text.slice(-4_000)}`)),
          timeoutMs,
        );
        const check = () => {
          const match = text.match(pattern);
          if (match) finish(undefined, match);
        };
        const finish = (error?: Error, match?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        waiters.add(check);
        void exited.then((code) => finish(new Error(`${name}: exited with ${code} before ${pattern}; output:\n${text.slice(-4_000)}`)));
        check();
      });
    },
    message(accept, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find((m) => accept(m.message));
          if (found) finish(undefined, found);
        };
        const timer = setTimeout(
          () => finish(new Error(`${name}: no such message within ${timeoutMs} ms; output:\n${text.slice(-4_000)}`)),
          timeoutMs,
        );
        const finish = (error?: Error, found?: { message: ChildMessage; at: number }) => {
          clearTimeout(timer);
          messageWaiters.delete(check);
          if (error) reject(error);
          else resolve(found!);
        };
        messageWaiters.add(check);
        void exited.then((code) => finish(new Error(`${name}: exited with ${code}; output:\n${text.slice(-4_000)}`)));
        check();
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      running.delete(handle);
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Stops every child still running (on the way out, or after a failure). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
}

/** Runs a command to completion; resolves with its stdout, rejects with its output on failure. */
export async function run(command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<string> {
  const c = startChild(command, command, args, options);
  let stdout = '';
  c.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const timer = setTimeout(() => c.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await c.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${c.output().slice(-4_000)}`);
  return stdout;
}
