// `sls package` of a service, as a deploy would make it, with no AWS credentials in reach: the
// CloudFormation template that suites assert on or check against the specification.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT_DIR = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CloudFormationTemplate = { Resources: Record<string, { Type: string; Properties: any }>; Outputs: Record<string, any> };

export interface SlsPackageOptions {
  /** The service's folder, relative to the repository root ('' for the data stack at the root). */
  serviceDir: string;
  stage: string;
  /** Where the package goes (sls package --package). */
  outDir: string;
  /** Added to a bare environment (PATH, a HOME of outDir, AWS_REGION eu-west-1): no credentials. */
  env?: Record<string, string>;
}

/** Packages the service and returns its CloudFormation template (cloudformation-template-update-stack.json). */
export async function slsPackage({ serviceDir, stage, outDir, env = {} }: SlsPackageOptions): Promise<CloudFormationTemplate> {
  await run(join(ROOT_DIR, 'node_modules/.bin/sls'), ['package', '--stage', stage, '--package', outDir], {
    cwd: join(ROOT_DIR, serviceDir),
    env: { PATH: process.env.PATH, HOME: outDir, SLS_TELEMETRY_DISABLED: '1', AWS_REGION: 'eu-west-1', ...env },
    timeout: 180_000,
  });
  return JSON.parse(await readFile(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'));
}
