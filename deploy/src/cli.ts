// npm run deploy -- --stage <stage> [--only a,b | --changed-since <ref>] [--region r] [--dry-run] [--json]
// npm run remove -- --stage <stage> [--only a,b] [--region r] [--dry-run] [--force]
//
// deploy: plan (which stacks, in which waves, why), check that the stacks the plan leaves out
// exist in the stage, build and package the planned stacks, check their templates against
// the CloudFormation resource specification, deploy them as one Turborepo run (independent
// stacks in parallel), then smoke-test the stage and print its URL. --dry-run stops after the
// check and calls no AWS API. remove: the planned stacks in reverse waves, prod only with --force.
import { parseArgs } from 'node:util';
import type { TemplateChecker } from './cfn-spec.js';
import { changedFilesSince } from './changes.js';
import { DeployError, UsageError } from './errors.js';
import { StackGraph } from './graph.js';
import { planDeploy, planRemoval, type Plan, type Selection } from './plan.js';
import type { RunCommand } from './process.js';
import { smokeCheck, type SmokeOptions } from './smoke.js';
import { assertNothingDownstream, assertUpstreamDeployed, type DescribeStack, type StageContext } from './stage.js';
import { buildDependencies, checkPackagedTemplates, runStackTask } from './tasks.js';
import { cloudFormationStackName, readWorkspace } from './workspace.js';

export const USAGE = `usage:
  npm run deploy -- --stage <stage> [--only <stack>[,<stack>] | --changed-since <git ref>] [--region <region>] [--dry-run] [--json]
  npm run remove -- --stage <stage> [--only <stack>[,<stack>]] [--region <region>] [--dry-run] [--force]`;

/** Stages that `remove` refuses without --force. */
export const PROTECTED_STAGES = ['prod'];
/** The stage of npm start: its stack configuration points at the embedded database, not at AWS. */
const LOCAL_STAGE = 'local';
const STAGE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const DEFAULT_REGION = 'us-east-1';

/** Everything the CLI does to the world, so that tests can replace any of it. */
export interface Effects {
  run: RunCommand;
  describer: (region: string) => DescribeStack;
  loadChecker: () => Promise<TemplateChecker>;
  fetch: typeof fetch;
  smoke?: Omit<SmokeOptions, 'fetch'>;
  /** Standard output: the plan, or with --json the one JSON object. */
  out: (text: string) => void;
  /** Standard error: progress and errors. */
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

interface Options {
  command: 'deploy' | 'remove';
  stage: string;
  region: string;
  regionGiven: boolean;
  only?: string[];
  changedSince?: string;
  dryRun: boolean;
  json: boolean;
  force: boolean;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const [command, ...rest] = argv;
  if (command !== 'deploy' && command !== 'remove') throw new UsageError(`the command is deploy or remove, not ${JSON.stringify(command)}`);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        stage: { type: 'string' },
        region: { type: 'string' },
        only: { type: 'string' },
        'changed-since': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { stage, region, only } = values;
  if (!stage) throw new UsageError('--stage is required');
  if (!STAGE_NAME.test(stage))
    throw new UsageError(`--stage: "${stage}" is not a stage name (lower-case letters, digits and dashes, 32 at most, a letter first)`);
  if (stage === LOCAL_STAGE)
    throw new UsageError(
      `--stage: "${LOCAL_STAGE}" is the stage of npm start (its stacks point at the embedded database); deploy another one`,
    );
  if (only !== undefined && values['changed-since'] !== undefined) throw new UsageError('--only and --changed-since cannot be combined');
  if (command === 'remove' && values['changed-since'] !== undefined) throw new UsageError('remove takes --only, not --changed-since');
  if (command === 'deploy' && values.force) throw new UsageError('--force is for remove');
  if (values.json && command === 'remove') throw new UsageError('--json is for deploy');
  const names = only?.split(',').map((name) => name.trim());
  if (names && (names.length === 0 || names.some((name) => !name))) throw new UsageError('--only takes stack names separated by commas');
  return {
    command,
    stage,
    region: region ?? env.AWS_REGION ?? DEFAULT_REGION,
    regionGiven: region !== undefined,
    ...(names ? { only: names } : {}),
    ...(values['changed-since'] !== undefined ? { changedSince: values['changed-since'] } : {}),
    dryRun: values['dry-run'],
    json: values.json,
    force: values.force,
  };
}

/** The plan as lines for a person: each wave, and why each stack is in it. */
export function describePlan(plan: Plan, heading: string): string {
  if (plan.waves.length === 0) return `${heading}: nothing to do.`;
  const lines = [`${heading}:`];
  plan.waves.forEach((wave, index) => {
    lines.push(`  wave ${index + 1}: ${wave.join(', ')}`);
    for (const name of wave) lines.push(`    ${name}: ${plan.reasons[name]}`);
  });
  return lines.join('\n');
}

class Command {
  private readonly names = new Map<string, Promise<string>>();

  constructor(
    private readonly options: Options,
    private readonly graph: StackGraph,
    private readonly effects: Effects,
    private readonly rootDir: string,
  ) {}

  private get slsArgs(): string[] {
    return ['--stage', this.options.stage, '--region', this.options.region];
  }

  private log(line: string): void {
    this.effects.err(`[${this.options.command}] ${line}`);
  }

  private stageContext(): StageContext {
    const { stage, region, regionGiven } = this.options;
    return {
      graph: this.graph,
      stage,
      describe: this.effects.describer(region),
      cloudFormationName: (stack) => this.cloudFormationName(stack),
      commandFor: (command, stacks) =>
        `npm run ${command} -- --stage ${stage}${regionGiven ? ` --region ${region}` : ''} --only ${stacks.join(',')}`,
    };
  }

  private cloudFormationName(stack: string): Promise<string> {
    let name = this.names.get(stack);
    if (!name) this.names.set(stack, (name = cloudFormationStackName(this.rootDir, this.graph.stack(stack), this.options.stage)));
    return name;
  }

  private async selection(): Promise<Selection> {
    const { only, changedSince } = this.options;
    if (only) return { kind: 'only', names: only };
    if (changedSince === undefined) return { kind: 'all' };
    return { kind: 'changed', since: changedSince, files: await changedFilesSince(this.rootDir, changedSince, this.effects.run) };
  }

  private heading(plan: Plan): string {
    const { command, changedSince, dryRun } = this.options;
    const since = changedSince === undefined ? '' : ` (changes since ${changedSince})`;
    return `${dryRun ? 'Dry run: ' : ''}${command} plan for stage ${plan.stage}${since}`;
  }

  async deploy(): Promise<void> {
    const { stage, dryRun, json } = this.options;
    const plan = planDeploy(this.graph, await this.selection(), stage);
    if (!json) this.effects.out(describePlan(plan, this.heading(plan)));
    const stacks = plan.waves.flat().map((name) => this.graph.stack(name));
    if (stacks.length > 0) {
      if (!dryRun) await assertUpstreamDeployed(plan, this.stageContext());
      this.log(`building and packaging ${stacks.map((stack) => stack.name).join(', ')}`);
      await buildDependencies(this.rootDir, stacks, this.effects.run);
      await runStackTask(this.rootDir, 'package', stacks, this.slsArgs, this.effects.run);
      const started = performance.now();
      await checkPackagedTemplates(this.rootDir, stacks, await this.effects.loadChecker());
      this.log(`templates conform to the CloudFormation resource specification (checked in ${Math.round(performance.now() - started)} ms)`);
    }
    if (dryRun) {
      if (json) this.effects.out(JSON.stringify(plan));
      return;
    }
    if (stacks.length > 0) await runStackTask(this.rootDir, 'deploy', stacks, this.slsArgs, this.effects.run);
    // Even when nothing was deployed: the stage is checked, and its URL given, all the same.
    const urls = await this.smokeTest();
    if (json) this.effects.out(JSON.stringify({ ...plan, urls }));
  }

  /** Every stack with a URL output that exists in the stage: its smoke requests, then its URL. */
  private async smokeTest(): Promise<Record<string, string>> {
    const describe = this.effects.describer(this.options.region);
    const urls: Record<string, string> = {};
    for (const stack of this.graph.stacks.filter((candidate) => candidate.url)) {
      const name = await this.cloudFormationName(stack.name);
      const url = (await describe(name))?.outputs[stack.url!];
      if (!url) {
        this.log(`smoke check of ${stack.name} skipped: ${name} has no output ${stack.url} in this stage (not deployed yet?)`);
        continue;
      }
      const results = await smokeCheck(stack, url, { fetch: this.effects.fetch, ...this.effects.smoke });
      this.log(`smoke check of ${stack.name}: ${results.join(', ')}`);
      this.effects.err(`${stack.name}: ${url}`);
      urls[stack.name] = url;
    }
    return urls;
  }

  async remove(): Promise<void> {
    const { stage, only, dryRun, force } = this.options;
    if (PROTECTED_STAGES.includes(stage) && !force) {
      throw new UsageError(
        `refusing to remove stage ${stage} without --force (its table keeps deletion protection on and is retained either way)`,
      );
    }
    const plan = planRemoval(this.graph, only ? { kind: 'only', names: only } : { kind: 'all' }, stage);
    this.effects.out(describePlan(plan, this.heading(plan)));
    if (dryRun || plan.waves.length === 0) return;
    await assertNothingDownstream(plan, this.stageContext());
    for (const wave of plan.waves) {
      await runStackTask(
        this.rootDir,
        'remove',
        wave.map((name) => this.graph.stack(name)),
        this.slsArgs,
        this.effects.run,
      );
    }
    this.log(`removed ${plan.waves.flat().join(', ')} from stage ${stage}`);
  }
}

/** Runs one command line; resolves to the exit code. */
export async function main(argv: string[], effects: Effects, rootDir: string): Promise<number> {
  try {
    const options = parseOptions(argv, effects.env);
    const graph = new StackGraph(await readWorkspace(rootDir, effects.run));
    const command = new Command(options, graph, effects, rootDir);
    await (options.command === 'deploy' ? command.deploy() : command.remove());
    return 0;
  } catch (error) {
    if (!(error instanceof DeployError)) throw error;
    effects.err(`error: ${error.message}`);
    if (error instanceof UsageError) effects.err(USAGE);
    return error.exitCode;
  }
}
