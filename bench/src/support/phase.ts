import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BENCH_DIR, ROOT_DIR, TSX_ARGS } from './processes.ts';

/** Runs bench/src/children/phase.ts with `request`; resolves with its result, forwarding its log lines. */
export function runPhase<T>(request: { phase: string; options: unknown }, log: (line: string) => void, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX_ARGS, join(BENCH_DIR, 'src', 'children', 'phase.ts')], {
      cwd: ROOT_DIR,
      env: { ...process.env, BENCH_PHASE: JSON.stringify(request) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result: { result: T } | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8_000)));
    child.on('message', (message: { log?: string; result?: T }) => {
      if (message.log !== undefined) log(message.log);
      if ('result' in message) result = { result: message.result as T };
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result.result);
      else reject(new Error(`${request.phase} failed (exit ${code}): ${stderr.slice(-3_000)}`));
    });
  });
}
