// The local stack as the bench runs it: scripts/start.ts (as npm start, after its build step)
// from this checkout or a copy of it, with the variables resolved by the same module the
// stack uses (scripts/lib/local-env.ts); and `sls offline` alone on the same service, the
// reference. Readiness comes as values: the stack's IPC message, a port or a route that answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEnv, type LocalEnv } from '../../../scripts/lib/local-env.ts';
import { ROOT_DIR, startChild, TSX_ARGS, type Child } from './processes.ts';

export interface BenchStack {
  child: Child;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  layout: LocalEnv;
  apiUrl: string;
  dbEndpoint: string;
  stop(): Promise<number | null>;
}

export interface BenchStackOptions {
  rootDir?: string;
  apiPort: number;
  dbPort: number;
  /** Run through `npm start` (its build step included) rather than scripts/start.ts itself; no IPC then. */
  viaNpm?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Starts the stack without waiting: callers wait for what they measure (`child.message`, `firstAnswer`). */
export function spawnStack(options: BenchStackOptions): BenchStack {
  const rootDir = options.rootDir ?? ROOT_DIR;
  const authDir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    PORT: String(options.apiPort),
    DB_PORT: String(options.dbPort),
    AUTH_DIR: authDir,
    DB_IN_MEMORY: '1',
    // The bench measures what the code can serve, not the stage's request limit (README, "Operating it").
    THROTTLE: 'off',
    ...options.env,
  };
  const layout = localEnv(env, []);
  const spawnedAt = performance.now();
  const child = options.viaNpm
    ? startChild('npm start', 'npm', ['start'], { cwd: rootDir, env, detached: true })
    : startChild('stack', process.execPath, [...TSX_ARGS, join(rootDir, 'scripts', 'start.ts')], { cwd: rootDir, env, ipc: true });
  return {
    child,
    spawnedAt,
    layout,
    apiUrl: `http://127.0.0.1:${layout.apiPort}`,
    dbEndpoint: `http://127.0.0.1:${layout.dbPort}`,
    async stop() {
      let code: number | null;
      if (options.viaNpm) {
        // npm runs the stack in a shell of its own: the whole group gets Ctrl+C's SIGINT.
        try {
          process.kill(-child.child.pid!, 'SIGINT');
        } catch {
          // already gone
        }
        code = await Promise.race([child.exited, new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000))]);
        if (code === null) await child.stop('SIGKILL');
      } else code = await child.stop('SIGINT', 30_000);
      rmSync(authDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** Starts the stack and waits for its `ready` message (or its failure). */
export async function startStack(options: BenchStackOptions): Promise<BenchStack> {
  const stack = spawnStack(options);
  try {
    const { message } = await stack.child.message((m) => m.type === 'ready' || m.type === 'failed', 240_000);
    if (message.type === 'failed') throw new Error(`the local stack failed to start: ${String(message.message)}`);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

/** `sls offline` alone in the service folder (the reference): its own ports, the functions against `dbEndpoint`. */
export function spawnSlsOffline(options: { serviceDir: string; httpPort: number; lambdaPort: number; dbEndpoint: string }): Child {
  return startChild('sls offline', join(ROOT_DIR, 'node_modules', '.bin', 'sls'), ['offline', 'start', '--stage', 'local'], {
    cwd: options.serviceDir,
    env: {
      ...process.env,
      SLS_TELEMETRY_DISABLED: '1',
      OFFLINE_HTTP_PORT: String(options.httpPort),
      OFFLINE_LAMBDA_PORT: String(options.lambdaPort),
      DYNAMODB_ENDPOINT: options.dbEndpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    },
  });
}

/**
 * performance.now() of the first response from `url` that `accept` takes, polling every
 * `intervalMs` (connection refusals included) until `timeoutMs`.
 */
export async function firstAnswer(
  url: string,
  accept: (status: number, body: string) => boolean,
  options: { timeoutMs: number; intervalMs?: number; headers?: Record<string, string> },
): Promise<number> {
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline) {
    try {
      const response = await fetch(url, { headers: options.headers });
      const body = await response.text();
      if (accept(response.status, body)) return performance.now();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
  throw new Error(`no accepted answer from ${url} within ${options.timeoutMs} ms`);
}
