// Every stack of the workspace, packaged as a deploy packages it (sls package, no AWS
// credentials), checked against the CloudFormation resource specification: a template that
// CloudFormation would refuse fails here, not at deploy time. The stacks come from the
// workspace (package.json "stack" fields), so a new stack or resource is checked too.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseServerlessYaml } from '@app/local-dynamodb';
import { slsPackage, type CloudFormationTemplate } from '@app/testing';
import { loadTemplateChecker, type TemplateChecker } from '../src/cfn-spec.js';
import { StackGraph } from '../src/graph.js';
import { runCommand } from '../src/process.js';
import { readWorkspace } from '../src/workspace.js';
import { PACKAGING_TIMEOUT_MS, ROOT_DIR } from './support.js';

const graph = new StackGraph(await readWorkspace(ROOT_DIR, runCommand));
// prod: where a template CloudFormation refuses costs most, and whose settings differ most
// (deletion protection). Every other deploy checks its own stage's templates before it runs,
// and the dry-run suite (cli.test.ts) packages and checks every stack for stage qa that way.
const STAGES = ['prod'];

let workDir: string;
let checker: TemplateChecker;
const templates = new Map<string, CloudFormationTemplate>();
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'templates-'));
  checker = await loadTemplateChecker();
  // One at a time: two sls processes bundling at once take as long on 2 cores, with twice the memory.
  for (const stack of graph.stacks) {
    for (const stage of STAGES) {
      const outDir = join(workDir, `${stack.name}-${stage}`);
      templates.set(`${stack.name}-${stage}`, await slsPackage({ serviceDir: stack.serviceDir, stage, outDir }));
    }
  }
}, PACKAGING_TIMEOUT_MS);
afterAll(async () => rm(workDir, { recursive: true, force: true }));

describe.each(graph.stacks.flatMap((stack) => STAGES.map((stage) => [stack.name, stage])))('the %s stack for stage %s', (name, stage) => {
  it('conforms to the CloudFormation resource specification', () => {
    expect(checker.check(templates.get(`${name}-${stage}`))).toEqual([]);
  });
});

it('fails the check of the data stack with a misspelt property name', () => {
  // Prepare: the table's BillingMode, as if written BilingMode in serverless.yml
  const template = structuredClone(templates.get('data-prod')!);
  const [tableId, table] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')!;
  table.Properties.BilingMode = table.Properties.BillingMode;
  delete table.Properties.BillingMode;

  // Act
  const findings = checker.check(template);

  // Assess
  expect(findings).toEqual([
    { path: `Resources.${tableId}.Properties.BilingMode`, message: 'unknown property (did you mean BillingMode?)' },
  ]);
});

describe('the templates deployed by hand (deploy/bootstrap)', () => {
  it.each(['github-deploy-role.yml'])('%s conforms to the CloudFormation resource specification', async (file) => {
    const template = parseServerlessYaml(await readFile(join(ROOT_DIR, 'deploy/bootstrap', file), 'utf8'));

    expect(checker.check(template)).toEqual([]);
  });

  it('lists every template of the folder', async () => {
    expect((await readdir(join(ROOT_DIR, 'deploy/bootstrap'))).filter((file) => file.endsWith('.yml'))).toEqual(['github-deploy-role.yml']);
  });
});
