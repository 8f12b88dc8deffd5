// The one way the deploy tool runs another program (git, turbo, sls through turbo): its
// output either captured (to parse it) or passed through to ours (to show progress), and its
// exit code always returned as a value.
import { spawn } from 'node:child_process';
import { StepError } from './errors.js';

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** 'capture' keeps stdout and stderr; 'inherit' streams them to this process's stderr. */
  output?: 'capture' | 'inherit';
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type RunCommand = (command: string, args: string[], options: RunOptions) => Promise<RunResult>;

/**
 * Runs `command` to its end. In 'inherit' mode its output goes to our stderr, so that a
 * `--json` plan on stdout stays the only thing there.
 */
export const runCommand: RunCommand = (command, args, { cwd, env, output = 'capture' }) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (output === 'inherit' ? process.stderr.write(chunk) : (stdout += chunk.toString())));
    child.stderr.on('data', (chunk: Buffer) => (output === 'inherit' ? process.stderr.write(chunk) : (stderr += chunk.toString())));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });

/** Runs `command` and returns its stdout; a non-zero exit throws a StepError with its stderr. */
export async function captureOrFail(run: RunCommand, command: string, args: string[], options: RunOptions): Promise<string> {
  const result = await run(command, args, { ...options, output: 'capture' });
  if (result.code !== 0) {
    throw new StepError(`${command} ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
