// 2. Cold start: each bundled handler loaded in a fresh Node process (with the function's
// environment, NODE_OPTIONS included) and serving its first event against the embedded
// DynamoDB, against the hand-written handler of the same route bundled the same way. Runs
// alternate between the two (and which goes first), so drift on the machine hits both alike.
// One more run of each with a preload that counts run-time code generation (schema compiles).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BundleFigure, BundleSet } from './bundle.ts';
import { median, ratio, round } from './stats.ts';
import type { Database } from './support/db.ts';
import { httpEvent, type Fixture, type RouteCase } from './support/routes.ts';
import { tracingVariables, type ServiceConfig } from './support/service.ts';

const COLD_CHILD = fileURLToPath(new URL('./children/cold.mjs', import.meta.url));
const CODEGEN_COUNTER = fileURLToPath(new URL('./children/codegen-counter.mjs', import.meta.url));

/** The cold-start target: at most this times the hand-written handler's time. */
export const COLD_START_TARGET_RATIO = 1.1;

interface ChildReport {
  bootMs: number;
  initMs: number;
  firstEventMs: number;
  initCpuMs: number;
  firstEventCpuMs: number;
  status: number | null;
  codegen: { functionConstructorCalls: number; sites: string[] } | null;
}

export interface ColdRun extends ChildReport {
  /** Spawn to report, as the parent sees it: Node's own start included. */
  wallMs: number;
}

export interface ColdSide {
  /** Median ms of importing the bundle (Lambda's init of the handler module). */
  initMs: number;
  /** Median ms of the first invocation, DynamoDB call included. */
  firstEventMs: number;
  /** Median of init + first event per run: what the target compares. */
  totalMs: number;
  /** Median ms from spawning Node to the response (Node's start-up included). */
  wallMs: number;
  /** Median CPU ms (user + system) of init + first event: the same work, less exposed to a busy machine. */
  totalCpuMs: number;
  /** Function-constructor calls at load and first event (schema compilations and any other eval). */
  codegenCalls: number;
  codegenSites: string[];
  bytes: number;
}

export interface ColdFigure {
  functionName: string;
  baseline: string;
  runs: number;
  ours: ColdSide;
  handWritten: ColdSide;
  /** ours.totalMs / handWritten.totalMs: the target's figure. */
  ratio: number | null;
  /** ours.totalCpuMs / handWritten.totalCpuMs */
  cpuRatio: number | null;
  met: boolean;
}

export interface ColdOptions {
  api: ServiceConfig;
  /** With tracing on: every request sampled, or none (bench --tracing=unsampled). */
  sampling?: 'sampled' | 'unsampled';
  db: Database;
  fixture: Fixture;
  cursorSecret: string;
  runs: number;
  /** Request counter per route, shared across layouts so DELETEs never reuse an id. */
  nextIndex: (route: RouteCase) => number;
}

function childEnv(options: ColdOptions, functionName: string, event: unknown): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // What Lambda sets, then the function's own environment from serverless.yml.
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.api.memorySize),
    AWS_EXECUTION_ENV: `AWS_Lambda_${options.api.runtime}`,
    TZ: ':UTC',
    // Lambda runs Node 22; on Node 20 the SDK would print a deprecation notice (and spend time on it).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.api.environment,
    ...tracingVariables(options.api, options.sampling),
    DYNAMODB_ENDPOINT: options.db.endpoint,
    TABLE_NAME: options.db.tableName,
    CURSOR_SECRET: options.cursorSecret,
    BENCH_EVENT: JSON.stringify(event),
    BENCH_FUNCTION: functionName,
  };
}

function coldRun(bundle: BundleFigure, env: NodeJS.ProcessEnv, countCodegen: boolean): Promise<ColdRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [...(countCodegen ? ['--import', CODEGEN_COUNTER] : []), COLD_CHILD, bundle.path, bundle.exportName],
      {
        env,
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    let report: ColdRun | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('message', (message) => (report = { ...(message as ChildReport), wallMs: performance.now() - started }));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (report) resolve(report);
      else reject(new Error(`cold start of ${bundle.file} failed (exit ${code}): ${stderr.slice(-2_000)}`));
    });
  });
}

function side(runs: ColdRun[], counted: ColdRun, bundle: BundleFigure): ColdSide {
  return {
    initMs: round(median(runs.map((r) => r.initMs)), 2),
    firstEventMs: round(median(runs.map((r) => r.firstEventMs)), 2),
    totalMs: round(median(runs.map((r) => r.initMs + r.firstEventMs)), 2),
    wallMs: round(median(runs.map((r) => r.wallMs)), 1),
    totalCpuMs: round(median(runs.map((r) => r.initCpuMs + r.firstEventCpuMs)), 2),
    codegenCalls: counted.codegen?.functionConstructorCalls ?? -1,
    codegenSites: counted.codegen?.sites ?? [],
    bytes: bundle.bytes,
  };
}

export async function measureColdStart(route: RouteCase, bundles: BundleSet, options: ColdOptions): Promise<ColdFigure> {
  const ours = bundles.api[route.functionName];
  const handWritten = bundles.baseline[route.baseline];
  if (!ours || !handWritten) throw new Error(`no bundle for ${route.functionName} or ${route.baseline}`);
  const once = async (bundle: BundleFigure, countCodegen = false) => {
    const event = httpEvent(route.request(options.fixture, options.nextIndex(route)), `cold-${Date.now()}`);
    const run = await coldRun(bundle, childEnv(options, route.functionName, event), countCodegen);
    if (run.status !== route.status) throw new Error(`${bundle.file} answered ${run.status}, expected ${route.status}`);
    return run;
  };
  // One unmeasured run each: the bundle and Node itself come into the page cache.
  await once(ours);
  await once(handWritten);
  const oursRuns: ColdRun[] = [];
  const baseRuns: ColdRun[] = [];
  for (let i = 0; i < options.runs; i++) {
    if (i % 2 === 0) {
      oursRuns.push(await once(ours));
      baseRuns.push(await once(handWritten));
    } else {
      baseRuns.push(await once(handWritten));
      oursRuns.push(await once(ours));
    }
  }
  const oursSide = side(oursRuns, await once(ours, true), ours);
  const baseSide = side(baseRuns, await once(handWritten, true), handWritten);
  const r = ratio(oursSide.totalMs, baseSide.totalMs);
  return {
    functionName: route.functionName,
    baseline: route.baseline,
    runs: options.runs,
    ours: oursSide,
    handWritten: baseSide,
    ratio: r,
    cpuRatio: ratio(oursSide.totalCpuMs, baseSide.totalCpuMs),
    met: r !== null && r <= COLD_START_TARGET_RATIO && oursSide.codegenCalls === 0,
  };
}
