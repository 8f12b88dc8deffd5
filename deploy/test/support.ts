// What the CLI suites share: the repository they run in, the real CLI as a child process, a
// git ref crafted to make exactly the given files "changed", and the CLI in process with
// effects a test controls.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadTemplateChecker } from '../src/cfn-spec.js';
import type { Effects } from '../src/cli.js';
import { runCommand, type RunCommand } from '../src/process.js';
import type { DescribeStack } from '../src/stage.js';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** Hooks and tests that package stacks (sls package through turbo) take this long at most. */
export const PACKAGING_TIMEOUT_MS = 180_000;

const exec = promisify(execFile);

async function git(args: string[], env: NodeJS.ProcessEnv = process.env, input?: string): Promise<string> {
  if (input === undefined) return (await exec('git', args, { cwd: ROOT_DIR, env })).stdout.trim();
  return new Promise((done, fail) => {
    const child = execFile('git', args, { cwd: ROOT_DIR, env }, (error, stdout) => (error ? fail(error) : done(stdout.trim())));
    child.stdin!.end(input);
  });
}

/**
 * A commit (on no branch) whose tree is the working tree as it is now, except that each of
 * `paths` differs: `--changed-since <it>` then sees exactly `paths` changed, whatever else
 * is being edited in this clone.
 */
export async function refChanging(paths: string[]): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'crafted-ref-'));
  try {
    const env = { ...process.env, GIT_INDEX_FILE: join(scratch, 'index') };
    await copyFile(resolve(ROOT_DIR, await git(['rev-parse', '--git-path', 'index'])), join(scratch, 'index'));
    await git(['add', '--all', '--', '.'], env);
    for (const path of paths) {
      const text = await readFile(join(ROOT_DIR, path), 'utf8').catch(() => '');
      const blob = await git(['hash-object', '-w', '--stdin'], env, `${text}\n(as it was before the change under test)\n`);
      await git(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], env);
    }
    const tree = await git(['write-tree'], env);
    return await git(['commit-tree', tree, '-m', `before a change of ${paths.join(', ')}`]);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** An environment with no AWS credentials or profile in it. */
export function envWithoutAws(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  return { ...env, HOME: home, SLS_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' };
}

/** The CLI as npm run deploy runs it; resolves with its exit code and output. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCommand(process.execPath, ['--conditions=source', '--import', 'tsx', 'deploy/src/bin.ts', ...args], { cwd: ROOT_DIR, env });
}

/**
 * A run that records every `turbo run` (its arguments after `run`); those of the tasks in
 * `fake` are answered with `code` without running, the rest (git, turbo query, build, package)
 * run for real.
 */
export function recordingRun(
  fake: string[] = ['build', 'package', 'deploy', 'remove'],
  code = 0,
): { run: RunCommand; turboRuns: string[][] } {
  const turboRuns: string[][] = [];
  const run: RunCommand = async (command, args, options) => {
    const task = command === 'npx' && args[1] === 'turbo' && args[2] === 'run' ? args[3] : undefined;
    if (task) turboRuns.push(args.slice(3));
    if (task && fake.includes(task)) return { code, stdout: '', stderr: '' };
    return runCommand(command, args, options);
  };
  return { run, turboRuns };
}

/** A stage whose stacks are those given (CloudFormation name -> status and outputs). */
export function stageWith(stacks: Record<string, { status?: string; outputs?: Record<string, string> }>): DescribeStack {
  return async (name) => {
    const stack = stacks[name];
    return stack && { status: stack.status ?? 'UPDATE_COMPLETE', outputs: stack.outputs ?? {} };
  };
}

/** Effects for `main` in process: what it prints is collected; the stage and the run are the test's. */
export function effectsFor(options: { run?: RunCommand; stage?: DescribeStack; fetch?: typeof fetch } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: string[] = [];
  const effects: Effects = {
    run: options.run ?? runCommand,
    describer: (region) => {
      regions.push(region);
      return options.stage ?? stageWith({});
    },
    loadChecker: loadTemplateChecker,
    fetch: options.fetch ?? fetch,
    smoke: { attempts: 2, delayMs: 1 },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: {},
  };
  return { effects, out, err, regions };
}
