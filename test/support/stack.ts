// Boots the local stack exactly as `npm start` does (scripts/start.ts, after the build that
// turbo runs first) on free ports, and stops it with SIGINT as Ctrl+C would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from '@jest/globals';
import { loadLocalIssuer } from '@app/local-auth';
import { createDynamoDBClient } from '@app/local-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventually, freePort } from '@app/testing';

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

/** How long scripts/start.ts may take to print that it is ready. */
const READY_TIMEOUT_MS = 180_000;

export interface Stack {
  baseUrl: string;
  dbEndpoint: string;
  /** The local issuer's folder (AUTH_DIR) of this stack. */
  authDir: string;
  /** A bearer token from the stack's local issuer, as `npm run token` prints it. */
  token(user: string, options?: { tenant?: string; expiresInSeconds?: number }): Promise<string>;
  output: () => string;
  /** SIGINT, then the exit code. */
  stop(): Promise<number | null>;
}

export interface StackOptions {
  dataDir?: string;
  authDir?: string;
  env?: NodeJS.ProcessEnv;
  /** The repository to start it from (a copy of this one, say); this one by default. */
  rootDir?: string;
}

export interface RunningScript {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export function runRootScript(script: string, env: NodeJS.ProcessEnv, rootDir = ROOT_DIR): RunningScript {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `scripts/${script}`], {
    cwd: rootDir,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const onData = (chunk: Buffer) => void (text += chunk.toString());
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Resolves once scripts/start.ts says it is ready; rejects, with its output, if it exits first or takes too long. */
async function untilReady(run: RunningScript): Promise<void> {
  const ready = /\[start\] ready/;
  let outcome: 'ready' | 'exited';
  try {
    outcome = await eventually(() => (ready.test(run.output()) ? 'ready' : hasExited(run.child) ? 'exited' : undefined), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 100,
      description: `${ready} in the output of scripts/start.ts`,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}; output:\n${run.output()}`, { cause: error });
  }
  if (outcome === 'exited') {
    throw new Error(`scripts/start.ts exited with ${run.child.exitCode ?? run.child.signalCode} before ${ready}; output:\n${run.output()}`);
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const [apiPort, dbPort, offlinePort, lambdaPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ownAuthDir = options.authDir ? undefined : mkdtempSync(join(tmpdir(), 'stack-auth-'));
  const authDir = options.authDir ?? ownAuthDir!;
  const env = {
    PORT: String(apiPort),
    DB_PORT: String(dbPort),
    OFFLINE_HTTP_PORT: String(offlinePort),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    AUTH_DIR: authDir,
    ...(options.dataDir ? { STATE_DIR: options.dataDir } : { DB_IN_MEMORY: '1' }),
    ...options.env,
  };
  const run = runRootScript('start.ts', env, options.rootDir);
  try {
    await untilReady(run);
  } catch (error) {
    run.child.kill('SIGKILL');
    if (ownAuthDir) rmSync(ownAuthDir, { recursive: true, force: true });
    throw error;
  }
  const issuer = await loadLocalIssuer(authDir);
  return {
    baseUrl: `http://127.0.0.1:${apiPort}`,
    dbEndpoint: `http://127.0.0.1:${dbPort}`,
    authDir,
    token: (user, tokenOptions = {}) => issuer.sign({ subject: user, ...tokenOptions }),
    output: run.output,
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
