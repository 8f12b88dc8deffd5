// What a stage already has: CloudFormation's DescribeStacks for each stack the plan needs (or
// would break), behind one injected function so that tests can answer "does not exist".
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { StageStateError } from './errors.js';
import type { StackGraph } from './graph.js';
import { blockingDownstream, requiredUpstream, type Plan } from './plan.js';

export interface StackDescription {
  status: string;
  outputs: Record<string, string>;
}

/** The stack named `cloudFormationName`, or undefined when the stage has no such stack. */
export type DescribeStack = (cloudFormationName: string) => Promise<StackDescription | undefined>;

/** DescribeStacks in `region`, with the credentials of the environment (as sls uses them). */
export function cloudFormationDescriber(region: string): DescribeStack {
  const client = new CloudFormationClient({ region });
  return async (name) => {
    try {
      const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: name }));
      const stack = Stacks[0];
      if (!stack) return undefined;
      return {
        status: stack.StackStatus ?? 'UNKNOWN',
        outputs: Object.fromEntries((stack.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? ''])),
      };
    } catch (error) {
      // CloudFormation answers a missing stack with a ValidationError, "Stack with id X does not exist".
      if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
      throw error;
    }
  };
}

/**
 * States in which a stack has no usable outputs or exports: never created, failed creation,
 * or on its way out. (An UPDATE_ROLLBACK_COMPLETE stack still has the last good ones.)
 */
const UNUSABLE = /^(REVIEW_IN_PROGRESS|CREATE_IN_PROGRESS|CREATE_FAILED|ROLLBACK_|DELETE_|IMPORT_ROLLBACK_)/;

/** How the operator runs a command on other stacks of the same stage. */
export type CommandFor = (command: 'deploy' | 'remove', stacks: string[]) => string;

export interface StageContext {
  graph: StackGraph;
  stage: string;
  describe: DescribeStack;
  /** The CloudFormation stack name of a stack in this stage. */
  cloudFormationName: (stack: string) => Promise<string>;
  commandFor: CommandFor;
}

/** Fails, naming the command to run first, when a stack the plan leaves out is missing in the stage. */
export async function assertUpstreamDeployed(
  plan: Plan,
  { graph, stage, describe, cloudFormationName, commandFor }: StageContext,
): Promise<void> {
  const missing = new Map<string, { stacks: string[]; state: string }>();
  for (const { stack, needs } of requiredUpstream(graph, plan)) {
    const known = missing.get(needs);
    if (known) {
      known.stacks.push(stack);
      continue;
    }
    const name = await cloudFormationName(needs);
    const description = await describe(name);
    if (!description) missing.set(needs, { stacks: [stack], state: `${name} does not exist` });
    else if (UNUSABLE.test(description.status)) missing.set(needs, { stacks: [stack], state: `${name} is ${description.status}` });
  }
  if (missing.size === 0) return;
  const lines = [...missing].map(
    ([needs, { stacks, state }]) =>
      `${stacks.join(' and ')} need${stacks.length === 1 ? 's' : ''} the ${needs} stack, but in stage ${stage} ${state}.`,
  );
  throw new StageStateError(`${lines.join('\n')}\nDeploy it first:\n  ${commandFor('deploy', [...missing.keys()])}`);
}

/** Fails, naming the command to run first, when a stack outside a removal plan still uses one it removes. */
export async function assertNothingDownstream(
  plan: Plan,
  { graph, stage, describe, cloudFormationName, commandFor }: StageContext,
): Promise<void> {
  const blockers = new Map<string, string[]>();
  for (const { stack, blockedBy } of blockingDownstream(graph, plan)) {
    if (blockers.has(blockedBy) || !(await describe(await cloudFormationName(blockedBy)))) continue;
    blockers.set(blockedBy, [...(blockers.get(blockedBy) ?? []), stack]);
  }
  if (blockers.size === 0) return;
  const lines = [...blockers].map(([blocker, stacks]) => `${blocker} still uses the ${stacks.join(' and ')} stack in stage ${stage}.`);
  throw new StageStateError(`${lines.join('\n')}\nRemove it first:\n  ${commandFor('remove', [...blockers.keys()])}`);
}
