// Boots the local stack exactly as `npm start` does (scripts/start.ts, after the build that
// turbo runs first) on free ports, and stops it with SIGINT as Ctrl+C would.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalIssuer } from '@app/local-auth';
import { fileURLToPath } from 'node:url';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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

export interface RunningScript {
  child: ChildProcess;
  output: () => string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  exited: Promise<number | null>;
}

export function runRootScript(script: string, env: NodeJS.ProcessEnv): RunningScript {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `scripts/${script}`], {
    cwd: ROOT_DIR,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; output:\n${text}`)), timeoutMs);
        const check = () => pattern.test(text) && finish();
        const finish = (error?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve();
        };
        waiters.add(check);
        void exited.then((code) =>
          finish(pattern.test(text) ? undefined : new Error(`exited with ${code} before ${pattern}; output:\n${text}`)),
        );
        check();
      });
    },
  };
}

export async function startStack(options: { dataDir?: string; authDir?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Stack> {
  const [apiPort, dbPort, offlinePort, lambdaPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const ownAuthDir = options.authDir ? undefined : mkdtempSync(join(tmpdir(), 'stack-auth-'));
  const authDir = options.authDir ?? ownAuthDir!;
  const run = runRootScript('start.ts', {
    PORT: String(apiPort),
    DB_PORT: String(dbPort),
    OFFLINE_HTTP_PORT: String(offlinePort),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    AUTH_DIR: authDir,
    ...(options.dataDir ? { STATE_DIR: options.dataDir } : { DB_IN_MEMORY: '1' }),
    ...options.env,
  });
  try {
    await run.waitFor(/\[start\] ready/, 180_000);
  } catch (error) {
    run.child.kill('SIGKILL');
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
