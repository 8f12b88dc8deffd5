// 3. Per-request overhead: each route's handler and its hand-written baseline invoked in process
// (bench/src/children/overhead.mjs, a fresh process per handler and round, rounds in the order
// ours, hand-written, hand-written, ours, and so on) with API Gateway HTTP API events, every DynamoDB call
// answered by a stub, so that only the handlers' code is timed: routing, identity, validation,
// middlewares, keys and expressions, mapping, serialisation. Each process first runs `warmup`
// invocations (timed too: what a function serving few requests sees, before the JIT has
// optimised it), then the timed ones, which decide the target.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BundleSet } from './bundle.ts';
import { round, summarize } from './stats.ts';
import { activityEntity, projectEntity, taskEntity, toItem } from '@app/data';
import { httpEvent, TENANT_ID, type Fixture, type RouteCase } from './support/routes.ts';
import { tracingVariables, type ServiceConfig } from './support/service.ts';

const OVERHEAD_CHILD = fileURLToPath(new URL('./children/overhead.mjs', import.meta.url));

/** The per-request target: at most this many microseconds over the hand-written handler, at p50. */
export const OVERHEAD_TARGET_US = 10;

export interface OverheadSide {
  p50: number;
  p99: number;
  mean: number;
  /** DynamoDB calls per request (stubbed). */
  dbCalls: number;
}

export interface OverheadFigure {
  functionName: string;
  baseline: string;
  invocations: number;
  ours: OverheadSide;
  handWritten: OverheadSide;
  /** Diagnostic: p50 over each process's warm-up invocations, before the JIT has optimised the code. */
  warmingUp: { oursP50: number; handWrittenP50: number };
  /** ours.p50 - handWritten.p50, microseconds: the target's figure. */
  overheadP50: number;
  overheadP99: number;
  met: boolean;
}

export interface OverheadOptions {
  api: ServiceConfig;
  /** With tracing on: every request sampled, or none (bench --tracing=unsampled). */
  sampling?: 'sampled' | 'unsampled';
  fixture: Fixture;
  cursorSecret: string;
  warmup: number;
  /** Timed invocations per handler, split over its processes. */
  iterations: number;
  /**
   * Fresh processes per handler, in the order ours, hand-written, hand-written, ours, ... Each
   * process settles in its own JIT state: on this machine one handler's p50 differs by up to half
   * from one process to the next, so several processes per side are merged.
   */
  processesPerSide: number;
  /** Time budget per round. */
  budgetMs: number;
}

const iso = '2026-01-01T00:00:00.000Z';

// The items the requests read, as the API and the consumer write them (keys from the declarations).
function projectItem(projectId: string) {
  const project = {
    id: projectId,
    name: 'Bench project',
    description: 'The project every request reads',
    createdAt: iso,
    updatedAt: iso,
    version: 3,
    taskCounts: { total: 6, open: 6, in_progress: 0, done: 0 },
  };
  return { ...toItem(projectEntity, TENANT_ID, project), lastRequestId: 'req-1' };
}

function taskItem(projectId: string, taskId: string) {
  const task = { id: taskId, projectId, title: 'Bench task', status: 'open', createdAt: iso, updatedAt: iso, version: 2 };
  return { ...toItem(taskEntity, TENANT_ID, task), lastRequestId: 'req-1' };
}

function activityItem(projectId: string, n: number) {
  const entry = {
    id: `evt-${n}`,
    projectId,
    type: 'task.updated',
    taskId: projectId,
    title: 'A task',
    changes: { status: { from: 'open', to: 'in_progress' } },
    occurredAt: iso,
  };
  return toItem(activityEntity, TENANT_ID, entry);
}

/** What the stub answers each command with, for a route: a page is 20 items (no next page). */
function responses(route: RouteCase, fixture: Fixture): Record<string, unknown> {
  const page = <T>(make: (i: number) => T) => ({ Items: Array.from({ length: 20 }, (_, i) => make(i)), Count: 20, ScannedCount: 20 });
  const item = {
    project: projectItem(fixture.projectId),
    task: taskItem(fixture.projectId, fixture.taskId),
  };
  const out: Record<string, unknown> = {};
  for (const [command, kind] of Object.entries(route.stub)) {
    if (kind === 'empty') out[command] = {};
    // The project's count shards (packages/data/src/project-counts.ts), none written yet: counts of 0.
    else if (kind === 'counts') out[command] = { Responses: {}, UnprocessedKeys: {} };
    else if (kind === 'projects') out[command] = page(() => item.project);
    else if (kind === 'tasks') out[command] = page(() => item.task);
    else if (kind === 'activity') out[command] = page((i) => activityItem(fixture.projectId, i));
    else if (command === 'UpdateCommand') out[command] = { Attributes: item[kind] };
    else out[command] = { Item: item[kind] };
  }
  return out;
}

interface ChildReport {
  samples: number[];
  warmupSamples: number[];
  dbCalls: number;
}

function runChild(spec: unknown, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OVERHEAD_CHILD], {
      env: { ...env, BENCH_SPEC: JSON.stringify(spec) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let report: ChildReport | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('message', (message) => (report = message as ChildReport));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`per-request run failed (exit ${code}): ${stderr.slice(-2_000)}`));
    });
  });
}

const sideOf = (samples: number[], dbCalls: number): OverheadSide => {
  const s = summarize(samples);
  return { p50: round(s.p50, 1), p99: round(s.p99, 1), mean: round(s.mean, 1), dbCalls: round(dbCalls, 2) };
};

export async function measureOverhead(route: RouteCase, bundles: BundleSet, options: OverheadOptions): Promise<OverheadFigure> {
  const ours = bundles.api[route.functionName];
  const handWritten = bundles.baseline[route.baseline];
  if (!ours || !handWritten) throw new Error(`no bundle for ${route.functionName} or ${route.baseline}`);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: route.functionName,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TZ: ':UTC',
    ...options.api.environment,
    ...tracingVariables(options.api, options.sampling),
    // Never reached: every call is stubbed.
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    CURSOR_SECRET: options.cursorSecret,
  };
  const common = {
    functionName: route.functionName,
    event: httpEvent(route.request(options.fixture, 0), 'template'),
    status: route.status,
    responses: responses(route, options.fixture),
    warmup: options.warmup,
    iterations: Math.ceil(options.iterations / options.processesPerSide),
    budgetMs: options.budgetMs,
  };
  const runRound = (bundle: typeof ours) =>
    runChild({ ...common, bundle: { path: bundle.path, exportName: bundle.exportName } }, env, options.budgetMs + 60_000);
  // ABBA..., so that drift on the machine weighs on both alike.
  const mine: ChildReport[] = [];
  const theirs: ChildReport[] = [];
  for (let i = 0; i < options.processesPerSide; i++) {
    const pair = i % 2 === 0 ? [ours, handWritten] : [handWritten, ours];
    for (const bundle of pair) (bundle === ours ? mine : theirs).push(await runRound(bundle));
  }
  const merge = (reports: ChildReport[]) => ({
    samples: reports.flatMap((r) => r.samples),
    warmup: reports.flatMap((r) => r.warmupSamples),
    dbCalls: reports[0]!.dbCalls,
  });
  const [o, h] = [merge(mine), merge(theirs)];
  const oursSide = sideOf(o.samples, o.dbCalls);
  const baseSide = sideOf(h.samples, h.dbCalls);
  const overheadP50 = round1(oursSide.p50 - baseSide.p50);
  return {
    functionName: route.functionName,
    baseline: route.baseline,
    invocations: o.samples.length,
    ours: oursSide,
    handWritten: baseSide,
    warmingUp: { oursP50: round1(summarize(o.warmup).p50), handWrittenP50: round1(summarize(h.warmup).p50) },
    overheadP50,
    overheadP99: round1(oursSide.p99 - baseSide.p99),
    met: overheadP50 <= OVERHEAD_TARGET_US,
  };
}

const round1 = (value: number) => round(value, 1);
