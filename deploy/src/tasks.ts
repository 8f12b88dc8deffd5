// The stacks' own scripts (package, deploy, remove in each stack's package.json), run as
// Turborepo tasks: turbo.json's `deploy.dependsOn: ["package", "^deploy"]` orders a full
// `turbo run deploy` by itself; here `--only` limits a run to the planned stacks while keeping
// the order between them (turbo drops only the tasks of packages outside the filter).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatFindings, type TemplateChecker } from './cfn-spec.js';
import { StepError, TemplateError } from './errors.js';
import type { Stack } from './graph.js';
import type { RunCommand } from './process.js';

/** Where each stack's `package` script writes, and its `deploy` script deploys from. */
export const PACKAGE_DIR = '.serverless';

export type StackTask = 'package' | 'deploy' | 'remove';

async function turbo(rootDir: string, run: RunCommand, args: string[], what: string): Promise<void> {
  const { code } = await run('npx', ['--no-install', 'turbo', 'run', ...args], { cwd: rootDir, output: 'inherit' });
  if (code !== 0) throw new StepError(`${what} failed (turbo exited with ${code}); its output is above`);
}

/**
 * Builds what the stacks bundle (workspace libraries: @app/schema generates code in its
 * build), i.e. the `^build` that `--only` leaves out of the package task.
 */
export function buildDependencies(rootDir: string, stacks: Stack[], run: RunCommand): Promise<void> {
  const filters = stacks.map((stack) => `--filter=${stack.packageName}^...`);
  return turbo(rootDir, run, ['build', ...filters, '--output-logs=errors-only'], 'building the workspace packages the stacks bundle');
}

/**
 * Runs `task` for `stacks` in one turbo run, `slsArgs` appended to every stack's script.
 * The environment passes through whole (--env-mode=loose): what sls reads from it
 * (AUTH_ISSUER_URL, credentials, ...) must reach it as if it were run by hand.
 */
export function runStackTask(rootDir: string, task: StackTask, stacks: Stack[], slsArgs: string[], run: RunCommand): Promise<void> {
  const filters = stacks.map((stack) => `--filter=${stack.packageName}`);
  return turbo(
    rootDir,
    run,
    [task, '--only', '--env-mode=loose', '--output-logs=full', '--log-order=stream', ...filters, '--', ...slsArgs],
    `${task} of ${stacks.map((stack) => stack.name).join(', ')}`,
  );
}

/** The CloudFormation template `sls package` wrote for `stack`. */
export async function readPackagedTemplate(
  rootDir: string,
  stack: Stack,
  packageDir = join(rootDir, stack.serviceDir, PACKAGE_DIR),
): Promise<unknown> {
  return JSON.parse(await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}

/** Checks each stack's packaged template; one TemplateError lists every finding of every stack. */
export async function checkPackagedTemplates(rootDir: string, stacks: Stack[], checker: TemplateChecker): Promise<void> {
  const reports: string[] = [];
  for (const stack of stacks) {
    const findings = checker.check(await readPackagedTemplate(rootDir, stack));
    if (findings.length > 0) reports.push(`${stack.name} (${join(stack.serviceDir, PACKAGE_DIR)}):\n${formatFindings(findings)}`);
  }
  if (reports.length > 0) throw new TemplateError(`the packaged CloudFormation breaks the resource specification:\n${reports.join('\n')}`);
}
