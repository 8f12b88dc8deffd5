// Boots the local stack exactly as `npm start` does (scripts/start.ts, after the build that
// turbo runs first) on free ports, and stops it with SIGINT as Ctrl+C would. It learns that
// the stack is ready, or failed, from the IPC message scripts/start.ts sends its parent
// ({type: 'ready' | 'failed'}) and from its exit, never from its output.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { loadLocalIssuer } from '@app/local-auth';
import { createDynamoDBClient } from '@app/local-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { freePort } from '@app/testing';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** The table npm start creates (the root serverless.yml, stage local). */
export const LOCAL_TABLE = 'rest-api-data-local';

/** A document client of a stack's database, for tests that write to the table around the API. */
export const tableClient = (stack: Pick<Stack, 'dbEndpoint'>): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDBClient(stack.dbEndpoint), { marshallOptions: { removeUndefinedValues: true } });

/**
 * How long a hook that boots or stops a stack (or packages a service) may take. jest has one
 * timeout for tests and hooks (testTimeout, 120 s here); hooks that boot something pass this.
 */
export const HOOK_TIMEOUT_MS = 240_000;

/** How long scripts/start.ts may take to report that it is ready. */
const READY_TIMEOUT_MS = 180_000;

export interface Stack {
  baseUrl: string;
  dbEndpoint: string;
  /** The local issuer's folder (AUTH_DIR) of this stack. */
  authDir: string;
  /** A bearer token from the stack's local issuer, as `npm run token` prints it. */
  token(user: string, options?: { tenant?: string; expiresInSeconds?: number }): Promise<string>;
  output: () => string;
  /** The running scripts/start.ts: its IPC messages (reloads), its process. */
  run: RunningScript;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StackOptions {
  /** STATE_DIR; without it the database is kept in memory. */
  dataDir?: string;
  /** AUTH_DIR; by default a temporary folder, or $STATE_DIR/auth (unset) when `dataDir` is given. */
  authDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The repository to run it from (a copy, for tests that edit sources); this one by default. */
  rootDir?: string;
  /** Extra node options, e.g. `--inspect=127.0.0.1:9339`. */
  nodeOptions?: string[];
  /**
   * Enforce the API stage's request limits as npm start does. Off unless asked (THROTTLE=off):
   * suites create their data in bursts that the write limit would refuse; limits.e2e.test.ts
   * tests the limits themselves.
   */
  throttle?: boolean;
}

/** A message scripts/start.ts (or another root script) sent its parent. */
export type ScriptMessage = { type: string; [key: string]: unknown };

export interface RunningScript {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** Every IPC message received so far, in order. */
  messages: ScriptMessage[];
  /** The first message (received so far or later) that `accept` takes; rejects when the script exits first or after `timeoutMs`. */
  message(accept: (message: ScriptMessage) => boolean, timeoutMs: number): Promise<ScriptMessage>;
}

export function runRootScript(
  script: string,
  env: NodeJS.ProcessEnv,
  options: { rootDir?: string; nodeOptions?: string[]; args?: string[] } = {},
): RunningScript {
  const rootDir = options.rootDir ?? ROOT_DIR;
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), '--conditions=source', '--import', 'tsx', join(rootDir, 'scripts', script), ...(options.args ?? [])],
    { cwd: rootDir, env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let text = '';
  const onData = (chunk: Buffer) => void (text += chunk.toString());
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const messages: ScriptMessage[] = [];
  const listeners = new Set<(message: ScriptMessage) => void>();
  child.on('message', (message: ScriptMessage) => {
    messages.push(message);
    for (const listener of listeners) listener(message);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const message = (accept: (message: ScriptMessage) => boolean, timeoutMs: number) =>
    new Promise<ScriptMessage>((resolve, reject) => {
      const known = messages.find(accept);
      if (known) return resolve(known);
      const timer = setTimeout(() => finish(new Error(`no such message from scripts/${script} within ${timeoutMs / 1000} s`)), timeoutMs);
      const listener = (received: ScriptMessage) => accept(received) && finish(undefined, received);
      const finish = (error?: Error, received?: ScriptMessage) => {
        clearTimeout(timer);
        listeners.delete(listener);
        if (error) reject(new Error(`${error.message}; output:\n${text}`));
        else resolve(received!);
      };
      listeners.add(listener);
      void exited.then((code) => finish(new Error(`scripts/${script} exited with ${code}`)));
    });
  return { child, output: () => text, exited, messages, message };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const [apiPort, dbPort] = [await freePort(), await freePort()];
  const ownAuthDir = options.authDir || options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'stack-auth-'));
  const authDir = options.authDir ?? ownAuthDir;
  const run = runRootScript(
    'start.ts',
    {
      PORT: String(apiPort),
      DB_PORT: String(dbPort),
      ...(authDir ? { AUTH_DIR: authDir } : {}),
      ...(options.dataDir ? { STATE_DIR: options.dataDir } : { DB_IN_MEMORY: '1' }),
      ...(options.throttle ? {} : { THROTTLE: 'off' }),
      ...options.env,
    },
    { rootDir: options.rootDir, nodeOptions: options.nodeOptions },
  );
  try {
    const outcome = await run.message((m) => m.type === 'ready' || m.type === 'failed', READY_TIMEOUT_MS);
    if (outcome.type === 'failed') throw new Error(`scripts/start.ts failed: ${String(outcome.message)}; output:\n${run.output()}`);
  } catch (error) {
    run.child.kill('SIGKILL');
    if (ownAuthDir) rmSync(ownAuthDir, { recursive: true, force: true });
    throw error;
  }
  // The folder the stack resolved (lib/local-env.ts), as it reports it.
  const layout = run.messages.find((m) => m.type === 'ready')!.layout as { authDir: string };
  const issuer = await loadLocalIssuer(layout.authDir);
  return {
    baseUrl: `http://127.0.0.1:${apiPort}`,
    dbEndpoint: `http://127.0.0.1:${dbPort}`,
    authDir: layout.authDir,
    token: (user, tokenOptions = {}) => issuer.sign({ subject: user, ...tokenOptions }),
    output: run.output,
    run,
    async stop() {
      run.child.kill('SIGINT');
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
      const code = await run.exited;
      clearTimeout(timer);
      if (ownAuthDir) rmSync(ownAuthDir, { recursive: true, force: true });
      return code;
    },
  };
}

/**
 * One stack for the whole test file: booted before its first test, stopped after its last,
 * where a stop that does not exit with code 0 fails the file. Read `.current` in hooks and
 * tests (it is set once the suite's first beforeAll has run).
 */
export function stackForSuite(options: StackOptions = {}): { readonly current: Stack } {
  const handle: { current?: Stack } = {};
  beforeAll(async () => {
    handle.current = await startStack(options);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    if (handle.current) expect(await handle.current.stop()).toBe(0);
  }, HOOK_TIMEOUT_MS);
  return handle as { readonly current: Stack };
}
