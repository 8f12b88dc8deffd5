// Which stacks a command touches, in which waves, and why: the pure core of npm run deploy and
// npm run remove. Everything it needs (the workspace graph, the files changed since a ref)
// comes in as values; git, turbo, sls and AWS stay in the effects that feed it.
import picomatch from 'picomatch';
import { UsageError } from './errors.js';
import type { StackGraph } from './graph.js';

/** What to deploy: every stack, the named ones, or what changed since a git ref. */
export type Selection = { kind: 'all' } | { kind: 'only'; names: string[] } | { kind: 'changed'; since: string; files: string[] };

/** The plan, as `--dry-run --json` prints it. */
export interface Plan {
  stage: string;
  /** Stack names; a wave starts once the one before it is done, its stacks run in parallel. */
  waves: string[][];
  /** Why each stack of `waves` is in the plan. */
  reasons: Record<string, string>;
}

/**
 * Files that never reach a deployed stack: tests, docs, test configuration. A change to them
 * alone selects nothing, wherever they are (a stack can still list one as an input).
 */
export const NOT_DEPLOYED = [
  '**/*.test.{ts,mts,cts,js,mjs,cjs}',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/*.md',
  '**/jest.config.{js,mjs,cjs,ts}',
  'docs/**',
];
const isNotDeployed = picomatch(NOT_DEPLOYED, { dot: true });

const isInput = (file: string, input: string) => file === input || file.startsWith(input.endsWith('/') ? input : `${input}/`);

/** At most three paths, then a count: a plan line stays readable when a whole folder changed. */
function listFiles(files: string[]): string {
  const shown = files.slice(0, 3).join(', ');
  return files.length > 3 ? `${shown} and ${files.length - 3} more` : shown;
}

/** The changed files that each package stands for: those in its folder, and a stack's inputs. */
function changedPackages(graph: StackGraph, files: string[]): Map<string, string[]> {
  const changed = new Map<string, string[]>();
  const add = (packageName: string, file: string) => changed.set(packageName, [...(changed.get(packageName) ?? []), file]);
  for (const file of [...new Set(files)].sort()) {
    const inputOf = graph.stacks.filter((stack) => stack.inputs.some((input) => isInput(file, input)));
    for (const stack of inputOf) add(stack.packageName, file);
    if (inputOf.length > 0 || isNotDeployed(file)) continue;
    const owner = graph.packageOfFile(file);
    if (owner) add(owner.name, file);
  }
  return changed;
}

function describeDependency(graph: StackGraph, packageName: string, via: string | undefined, files: string[]): string {
  const stack = graph.stackOfPackage(packageName);
  const what = stack ? `the ${stack.name} stack (${packageName})` : packageName;
  return `depends on ${what}${via ? ` through ${via}` : ''}: ${listFiles(files)} changed`;
}

/** Each stack that what changed reaches, with the reason. */
function selectChanged(graph: StackGraph, files: string[]): Map<string, string> {
  const changed = changedPackages(graph, files);
  const selected = new Map<string, string>();
  for (const stack of graph.stacks) {
    const own = changed.get(stack.packageName);
    if (own) {
      selected.set(stack.name, `changed: ${listFiles(own)}`);
      continue;
    }
    const through = [...graph.runtimeDependencies(stack.packageName)]
      .filter(([name]) => changed.has(name))
      .map(([name, via]) => describeDependency(graph, name, via, changed.get(name)!));
    if (through.length > 0) selected.set(stack.name, through.join('; '));
  }
  return selected;
}

/** Each selected stack name with the reason it is in the plan. */
export function selectStacks(graph: StackGraph, selection: Selection): Map<string, string> {
  switch (selection.kind) {
    case 'all':
      return new Map(graph.names.map((name) => [name, 'every stack is deployed when neither --only nor --changed-since is given']));
    case 'only': {
      const unknown = selection.names.filter((name) => !graph.names.includes(name));
      if (unknown.length > 0)
        throw new UsageError(`--only: no stack is called ${unknown.join(', ')}; the stacks are ${graph.names.join(', ')}`);
      return new Map(selection.names.map((name) => [name, 'named in --only']));
    }
    case 'changed':
      return selectChanged(graph, selection.files);
  }
}

/**
 * The selected stacks in waves: a stack goes one wave after the last of its upstream stacks
 * that is also selected (those not selected must already exist in the stage). Names are
 * sorted within a wave.
 */
export function inWaves(graph: StackGraph, names: Iterable<string>): string[][] {
  const selected = new Set(names);
  const level = new Map<string, number>();
  const levelOf = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const upstream = graph.upstreamOf(name).filter((other) => selected.has(other));
    const value = upstream.length === 0 ? 0 : 1 + Math.max(...upstream.map(levelOf));
    level.set(name, value);
    return value;
  };
  const waves: string[][] = [];
  for (const name of [...selected].sort()) (waves[levelOf(name)] ??= []).push(name);
  return waves.filter(Boolean);
}

function toPlan(stage: string, waves: string[][], reasons: Map<string, string>): Plan {
  return { stage, waves, reasons: Object.fromEntries(waves.flat().map((name) => [name, reasons.get(name)!])) };
}

/** What `npm run deploy` does: the selected stacks, upstream first. */
export function planDeploy(graph: StackGraph, selection: Selection, stage: string): Plan {
  const reasons = selectStacks(graph, selection);
  return toPlan(stage, inWaves(graph, reasons.keys()), reasons);
}

/** What `npm run remove` does: the selected stacks, downstream first (the deploy's waves reversed). */
export function planRemoval(graph: StackGraph, selection: Exclude<Selection, { kind: 'changed' }>, stage: string): Plan {
  const reasons = selectStacks(graph, selection);
  if (selection.kind === 'all') for (const name of reasons.keys()) reasons.set(name, 'every stack is removed when --only is not given');
  return toPlan(stage, inWaves(graph, reasons.keys()).reverse(), reasons);
}

/** Stacks outside the plan that must exist for it: the upstream of each planned stack. */
export function requiredUpstream(graph: StackGraph, plan: Plan): { stack: string; needs: string }[] {
  const planned = new Set(plan.waves.flat());
  return [...planned].flatMap((stack) =>
    graph
      .upstreamOf(stack)
      .filter((upstream) => !planned.has(upstream))
      .map((needs) => ({ stack, needs })),
  );
}

/** Stacks outside a removal plan that must be gone first: the downstream of each stack it removes. */
export function blockingDownstream(graph: StackGraph, plan: Plan): { stack: string; blockedBy: string }[] {
  const planned = new Set(plan.waves.flat());
  return [...planned].flatMap((stack) =>
    graph
      .downstreamOf(stack)
      .filter((downstream) => !planned.has(downstream))
      .map((blockedBy) => ({ stack, blockedBy })),
  );
}
