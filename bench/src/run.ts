// npm run bench: every measurement, side by side in one run, each against its hand-written
// baseline; prints tables and writes bench/results.json (its keys: docs/benchmarks.md).
//   npm run bench                           everything (about 8 to 10 minutes on 2 cores)
//   npm run bench -- --only=bundle,cold     some sections (written to bench/.build/results.partial.json)
//   npm run bench -- --only=start           the start and reload section alone
//   npm run bench -- --only=scale           where throughput limits stop one tenant's task churn and hot lists, before and after issue 17
//   npm run bench -- --quick                fewer runs, for trying the bench itself (never for results.json)
//   npm run bench -- --tracing              the API's functions traced as on a deployed stage (X-Ray on, every request sampled)
//   npm run bench -- --tracing=unsampled    traced as deployed, the request not sampled (most requests at volume: X-Ray's 5%)
//   npm run bench -- --only=cold,overhead --functions=getProject,createTask   some functions only
//   BENCH_API_DIR=services/api-before npm run bench -- --only=bundle,cold,overhead   (a copy beside services/api)
//                                           another copy of services/api (an older commit's, say), for before/after
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BUNDLE_TARGET_BYTES, buildBundles, LAYOUTS, publicFigure, type BundleSet, type Layout } from './bundle.ts';
import { measureClientSize } from './client-size.ts';
import type { CapacityFigure } from './capacity.ts';
import { COLD_START_TARGET_RATIO, measureColdStart, type ColdFigure } from './cold-start.ts';
import { measureDataLayer, type DataFigure } from './data-layer.ts';
import { E2E_TARGET_RATIO, measureEndToEnd, type E2EFigure } from './e2e.ts';
import { measureStart, START_TARGETS } from './start.ts';
import { measureOverhead, OVERHEAD_TARGET_US, type OverheadFigure } from './overhead.ts';
import { renderResults, updateDocument, type Results } from './report.ts';
import { formatTable, kb, mark, round } from './stats.ts';
import { rampRates, SCALE_TARGET_RATIO, type ScaleFigure } from './scale.ts';
import { consumerMapping, STREAM_LAG_TARGET_P50_MS, type LagFigure } from './stream-lag.ts';
import { startDatabase, type Database } from './support/db.ts';
import { CURSOR_SECRET, seedFixture } from './support/fixture.ts';
import { loadTool } from './support/load.ts';
import { runPhase } from './support/phase.ts';
import { BENCH_DIR, BUILD_DIR, ROOT_DIR, stopAllChildren } from './support/processes.ts';
import { ROUTES as ALL_ROUTES, type RouteCase } from './support/routes.ts';
import { loadAverage, machine, versions } from './support/environment.ts';
import { handlerEntry, printService } from './support/service.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SECTIONS = ['bundle', 'cold', 'overhead', 'e2e', 'data', 'lag', 'capacity', 'client', 'start', 'scale'] as const;
type Section = (typeof SECTIONS)[number];

const args = process.argv.slice(2);
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',') as Section[] | undefined;
const quick = args.includes('--quick');
/** Resolve the API with TRACING=1: the Powertools tracer on, as on a deployed stage (serverless.yml, custom.tracing). */
const tracingArg = args.find((a) => a === '--tracing' || a.startsWith('--tracing='));
const tracing = tracingArg !== undefined;
const sampling = tracingArg === '--tracing=unsampled' ? 'unsampled' : 'sampled';
if (tracingArg && !['--tracing', '--tracing=sampled', '--tracing=unsampled'].includes(tracingArg))
  throw new Error(`unknown ${tracingArg}; --tracing, --tracing=sampled or --tracing=unsampled`);
/** Some functions only (the cold-start and per-request sections): names as in services/api/serverless.yml. */
const onlyFunctions = args
  .find((a) => a.startsWith('--functions='))
  ?.slice('--functions='.length)
  .split(',');
for (const name of onlyFunctions ?? [])
  if (!ALL_ROUTES.some((r) => r.functionName === name))
    throw new Error(`unknown function ${name}; one of ${ALL_ROUTES.map((r) => r.functionName).join(', ')}`);
const ROUTES = onlyFunctions ? ALL_ROUTES.filter((r) => onlyFunctions.includes(r.functionName)) : ALL_ROUTES;
for (const section of only ?? [])
  if (!SECTIONS.includes(section)) throw new Error(`unknown section ${section}; one of ${SECTIONS.join(', ')}`);
const enabled = (section: Section) => !only || only.includes(section);

/** How much each measurement runs (the defaults are what results.json is made with). */
const SETTINGS = {
  tracing: tracing ? sampling : false,
  functions: onlyFunctions ?? 'all',
  coldRuns: quick ? 3 : 21,
  /** Routes whose cold start is also measured with the SDK external (it is slow to load from node_modules). */
  coldSdkExternalRoutes: quick ? ['getProject'] : ['getProject', 'createProject'],
  // A warm Lambda environment serves thousands of requests: the target is read once the JIT has
  // optimised the code (the warm-up's own p50 is reported beside it).
  overheadWarmup: quick ? 1_000 : 5_000,
  overheadIterations: quick ? 2_000 : 18_000,
  overheadProcessesPerSide: quick ? 2 : 6,
  overheadBudgetMs: 20_000,
  e2eDurationS: quick ? 2 : 5,
  e2eConnections: [1, 10],
  dataConcurrency: [1, 10],
  dataOpsPerRound: quick ? 100 : 600,
  dataRoundBudgetMs: quick ? 500 : 1_500,
  dataRounds: 2,
  lagWrites: quick ? 20 : 100,
  lagSpacingMs: 40,
  lagConfiguredWrites: quick ? 5 : 15,
  lagConfiguredSpacingMs: 200,
  lagPollIntervalMs: 50,
  capacitySizes: [100, 10_000],
  capacityRepetitions: quick ? 2 : 5,
  /** Warm starts and saves per kind (plus one fresh start of each). */
  startRuns: quick ? 2 : 5,
  // Task changes (and list reads) per second of one tenant, on the clock the scale section moves.
  scaleRates: rampRates(50, quick ? 1_600 : 9_051),
  scaleReadRates: rampRates(200, quick ? 1_600 : 4_525),
  // Few enough that the ramp meets their partitions' ceiling (about 185 changes a second each: docs/scale.md).
  scaleManyProjects: 32,
  scaleStepSeconds: 1,
  scaleTickMs: 100,
  scaleBurstSeconds: 0.1,
};

const log = (line: string) => console.log(`[bench] ${line}`);
const elapsed = (() => {
  const start = performance.now();
  return () => round((performance.now() - start) / 1000, 1);
})();

async function withDatabase<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await startDatabase();
  try {
    return await fn(db);
  } finally {
    await db.stop();
  }
}

interface Target {
  id: string;
  description: string;
  target: string;
  /** The figure that decides (the worst over routes/sizes). */
  actual: string;
  met: boolean | null;
}

async function main() {
  mkdirSync(BUILD_DIR, { recursive: true });
  const results: Record<string, unknown> = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    machine: machine(),
    versions: versions(),
    settings: SETTINGS,
  };
  const targets: Target[] = [];
  log(`machine: ${JSON.stringify(results.machine)}`);

  // Relative to where npm was run (npm runs the script in bench/).
  const apiDir = process.env.BENCH_API_DIR
    ? resolve(process.env.INIT_CWD ?? process.cwd(), process.env.BENCH_API_DIR)
    : join(ROOT_DIR, 'services', 'api');
  if (process.env.BENCH_API_DIR) results.apiDir = apiDir;
  const needApi = (['bundle', 'cold', 'overhead', 'capacity'] as const).some(enabled);
  const api = needApi ? await printService(apiDir, 'local', tracing ? { ...process.env, TRACING: '1' } : undefined) : undefined!;
  const bundles: Partial<Record<Layout, BundleSet>> = {};
  const needBundles = enabled('bundle') || enabled('cold') || enabled('overhead');
  if (needBundles) {
    for (const layout of Object.keys(LAYOUTS) as Layout[]) {
      log(`bundling (${layout}): ${LAYOUTS[layout].description}`);
      bundles[layout] = await buildBundles(api, layout);
    }
  }

  // 1. Bundle
  if (enabled('bundle')) {
    const layouts = Object.fromEntries(
      (Object.keys(LAYOUTS) as Layout[]).map((layout) => {
        const set = bundles[layout]!;
        const map = (figures: Record<string, Parameters<typeof publicFigure>[0]>) =>
          Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, publicFigure(v)]));
        return [layout, { description: LAYOUTS[layout].description, api: map(set.api), baseline: map(set.baseline) }];
      }),
    );
    results.bundle = { targetBytes: BUNDLE_TARGET_BYTES, layouts };
    const deploy = bundles.deploy!;
    const rows: (string | number)[][] = [
      ['function (deploy layout)', 'raw', 'gzip', 'code (no assets)', 'sdk external', 'largest contributors'],
    ];
    for (const [name, f] of Object.entries(deploy.api)) {
      rows.push([
        name,
        kb(f.bytes),
        kb(f.gzipBytes),
        kb(f.bytes - f.assetBytes),
        kb(bundles.sdkExternal!.api[name]!.bytes),
        f.topPackages
          .slice(0, 4)
          .map((c) => `${c.name} ${kb(c.bytes)}`)
          .join(', '),
      ]);
    }
    const baseline = deploy.baseline['projects-get']!;
    rows.push([
      '(hand-written projects-get)',
      kb(baseline.bytes),
      kb(baseline.gzipBytes),
      kb(baseline.bytes),
      kb(bundles.sdkExternal!.baseline['projects-get']!.bytes),
      baseline.topPackages
        .slice(0, 4)
        .map((c) => `${c.name} ${kb(c.bytes)}`)
        .join(', '),
    ]);
    console.log(`\n1. Bundle size (esbuild, minified; KB = 1000 bytes)\n${formatTable(rows)}\n`);
    // The target is on code: the docs function's bundled Swagger UI files are the content it serves.
    const worst = Object.values(deploy.api).reduce((a, b) => (a.bytes - a.assetBytes >= b.bytes - b.assetBytes ? a : b));
    targets.push({
      id: 'bundle',
      description: 'each HTTP handler bundle, minified (code; the docs page assets it serves excluded)',
      target: `< ${kb(BUNDLE_TARGET_BYTES)}`,
      actual: `${kb(worst.bytes - worst.assetBytes)} (${worst.name})`,
      met: worst.bytes - worst.assetBytes < BUNDLE_TARGET_BYTES,
    });
  }

  // 2. Cold start (and 3. per-request overhead, which needs no database)
  if (enabled('cold')) {
    const cold: Partial<Record<Layout, ColdFigure[]>> = {};
    await withDatabase(async (db) => {
      const perRoute = (SETTINGS.coldRuns + 2) * 2 * 2 + 2;
      log(`cold start: seeding ${perRoute} spare projects and tasks`);
      const fixture = await seedFixture(db.endpoint, db.tableName, perRoute);
      const counters = new Map<string, number>();
      const nextIndex = (route: RouteCase) => {
        const n = counters.get(route.functionName) ?? 0;
        counters.set(route.functionName, n + 1);
        return n;
      };
      for (const layout of ['deploy', 'sdkExternal'] as Layout[]) {
        const routes = layout === 'deploy' ? ROUTES : ROUTES.filter((r) => SETTINGS.coldSdkExternalRoutes.includes(r.functionName));
        const figures: ColdFigure[] = [];
        for (const route of routes) {
          const figure = await measureColdStart(route, bundles[layout]!, {
            api,
            db,
            fixture,
            cursorSecret: CURSOR_SECRET,
            runs: SETTINGS.coldRuns,
            nextIndex,
            sampling,
          });
          log(
            `cold start (${layout}) ${route.functionName}: ${figure.ours.totalMs} ms vs ${figure.handWritten.totalMs} ms (x${figure.ratio}), ${figure.ours.codegenCalls} compilations`,
          );
          figures.push(figure);
        }
        cold[layout] = figures;
      }
    });
    results.coldStart = { targetRatio: COLD_START_TARGET_RATIO, ...cold };
    for (const layout of Object.keys(cold) as Layout[]) {
      const rows: (string | number | null)[][] = [
        [
          'function',
          'init ms',
          'first event ms',
          'total ms',
          'hand-written total',
          'ratio',
          'cpu ratio',
          'wall (with node start)',
          'compilations',
          '',
        ],
      ];
      for (const f of cold[layout]!) {
        rows.push([
          f.functionName,
          f.ours.initMs,
          f.ours.firstEventMs,
          f.ours.totalMs,
          f.handWritten.totalMs,
          f.ratio,
          f.cpuRatio,
          `${f.ours.wallMs} / ${f.handWritten.wallMs}`,
          f.ours.codegenCalls,
          mark(f.met),
        ]);
      }
      console.log(
        `\n2. Cold start, ${layout} layout (median of ${SETTINGS.coldRuns} fresh processes: import + first event against the embedded DynamoDB)\n${formatTable(rows)}\n`,
      );
    }
    const deploy = cold.deploy ?? [];
    const worst = deploy.reduce<ColdFigure | undefined>((a, b) => (!a || (b.ratio ?? Infinity) > (a.ratio ?? Infinity) ? b : a), undefined);
    const compilations = deploy.reduce((sum, f) => sum + Math.max(0, f.ours.codegenCalls), 0);
    targets.push({
      id: 'coldStart',
      description: 'cold start (import + first event) vs the hand-written handler, deploy layout, and schema compilations at load',
      target: `<= ${COLD_START_TARGET_RATIO}x, 0 compilations`,
      actual: `${worst?.ratio}x (${worst?.functionName}), ${compilations} compilations`,
      met: deploy.length > 0 && deploy.every((f) => f.met),
    });
  }

  if (enabled('overhead')) {
    const figures: OverheadFigure[] = [];
    const fixture = {
      projectId: '01936b2e-0000-7000-8000-000000000001',
      taskId: '01936b2e-0000-7000-8000-000000000002',
      spareProjectIds: ['01936b2e-0000-7000-8000-000000000003'],
      spareTaskIds: ['01936b2e-0000-7000-8000-000000000004'],
    };
    for (const route of ROUTES) {
      const figure = await measureOverhead(route, bundles.sdkExternal!, {
        api,
        sampling,
        fixture,
        cursorSecret: CURSOR_SECRET,
        warmup: SETTINGS.overheadWarmup,
        iterations: SETTINGS.overheadIterations,
        processesPerSide: SETTINGS.overheadProcessesPerSide,
        budgetMs: SETTINGS.overheadBudgetMs,
      });
      log(`per request ${route.functionName}: p50 ${figure.ours.p50} µs vs ${figure.handWritten.p50} µs (+${figure.overheadP50} µs)`);
      figures.push(figure);
    }
    results.perRequest = { targetOverheadP50Us: OVERHEAD_TARGET_US, figures };
    const rows: (string | number)[][] = [
      [
        'function',
        'p50 µs',
        'p99 µs',
        'hand-written p50',
        'hand-written p99',
        'overhead p50',
        'overhead p99',
        'warming up: ours / hand-written p50',
        '',
      ],
    ];
    for (const f of figures)
      rows.push([
        f.functionName,
        f.ours.p50,
        f.ours.p99,
        f.handWritten.p50,
        f.handWritten.p99,
        f.overheadP50,
        f.overheadP99,
        `${f.warmingUp.oursP50} / ${f.warmingUp.handWrittenP50}`,
        mark(f.met),
      ]);
    console.log(
      `\n3. Per-request overhead (in process, API Gateway v2 events, DynamoDB stubbed; ${SETTINGS.overheadIterations} invocations each, over ${SETTINGS.overheadProcessesPerSide} processes, after ${SETTINGS.overheadWarmup} of warm-up per process)\n${formatTable(rows)}\n`,
    );
    const worst = figures.reduce((a, b) => (b.overheadP50 > a.overheadP50 ? b : a));
    targets.push({
      id: 'perRequest',
      description: 'per-request overhead over the hand-written handler, p50',
      target: `<= ${OVERHEAD_TARGET_US} µs`,
      actual: `${worst.overheadP50} µs (${worst.functionName})`,
      met: figures.every((f) => f.met),
    });
  }

  // 5. Data layer
  if (enabled('data')) {
    const figures: DataFigure[] = await withDatabase((db) =>
      measureDataLayer({
        db,
        concurrency: SETTINGS.dataConcurrency,
        opsPerRound: SETTINGS.dataOpsPerRound,
        roundBudgetMs: SETTINGS.dataRoundBudgetMs,
        rounds: SETTINGS.dataRounds,
      }),
    );
    results.dataLayer = figures;
    const rows: (string | number | null)[][] = [
      ['operation', 'in flight', 'repository ops/s', 'raw ops/s', 'ratio', 'repository p50 ms', 'raw p50 ms'],
    ];
    for (const f of figures)
      rows.push([f.operation, f.concurrency, f.repository.opsPerSecond, f.raw.opsPerSecond, f.ratio, f.repository.p50Ms, f.raw.p50Ms]);
    console.log(`\n5. Data layer (@app/data repositories vs raw DynamoDBDocumentClient calls, embedded DynamoDB)\n${formatTable(rows)}\n`);
  }

  // 6. Stream lag
  if (enabled('lag')) {
    const mapping = await consumerMapping();
    const figures: LagFigure[] = [];
    for (const scenario of ['runner', 'configured'] as const) {
      figures.push(
        await withDatabase((db) =>
          runPhase<LagFigure>(
            {
              phase: 'streamLag',
              options: {
                db,
                mapping,
                scenario,
                writes: scenario === 'runner' ? SETTINGS.lagWrites : SETTINGS.lagConfiguredWrites,
                spacingMs: scenario === 'runner' ? SETTINGS.lagSpacingMs : SETTINGS.lagConfiguredSpacingMs,
                pollIntervalMs: SETTINGS.lagPollIntervalMs,
              },
            },
            log,
            120_000,
          ),
        ),
      );
    }
    results.streamLag = { targetP50Ms: STREAM_LAG_TARGET_P50_MS, figures };
    const rows: (string | number | null)[][] = [
      ['mapping', 'batch window s', 'writes', 'delivered', 'p50 ms', 'p99 ms', 'max ms', 'handler p50 ms', ''],
    ];
    for (const f of figures)
      rows.push([
        f.scenario,
        f.batchWindowSeconds,
        f.writes,
        f.delivered,
        f.p50Ms,
        f.p99Ms,
        f.maxMs,
        f.handlerP50Ms,
        f.met === null ? 'by design' : mark(f.met),
      ]);
    console.log(
      `\n6. Stream lag (write acknowledged -> consumer invoked with its record; local event-source mapping polling every ${SETTINGS.lagPollIntervalMs} ms)\n${formatTable(rows)}\n`,
    );
    const runner = figures.find((f) => f.scenario === 'runner')!;
    targets.push({
      id: 'streamLag',
      description: 'local stream lag p50 (the runner, batch window 0)',
      target: `< ${STREAM_LAG_TARGET_P50_MS} ms`,
      actual: `${runner.p50Ms} ms`,
      met: runner.met,
    });
  }

  // 7. Capacity
  if (enabled('capacity')) {
    const handlers = Object.fromEntries(ROUTES.map((r) => [r.functionName, handlerEntry(api.dir, api.functions[r.functionName]!.handler)]));
    const { figures, itemsAtSize } = await withDatabase((db) =>
      runPhase<{ figures: CapacityFigure[]; itemsAtSize: Record<string, number> }>(
        {
          phase: 'capacity',
          options: { db, apiDir: api.dir, handlers, sizes: SETTINGS.capacitySizes, repetitions: SETTINGS.capacityRepetitions },
        },
        log,
        300_000,
      ),
    );
    results.capacity = {
      itemsAtSize,
      engine:
        'dynalite (through @app/local-dynamodb): ConsumedCapacity from item sizes, as DynamoDB computes it for the table; writes to gsi1 not included (see gsiWriteUnitsNotReported)',
      figures,
    };
    const sizes = SETTINGS.capacitySizes.map(String);
    const rows: (string | number)[][] = [
      ['function', ...sizes.flatMap((s) => [`RCU @${s}`, `WCU @${s}`]), 'calls', '+gsi1 WCU on AWS', ''],
    ];
    for (const f of figures)
      rows.push([
        f.functionName,
        ...sizes.flatMap((s) => [f.bySize[s]?.read ?? '–', f.bySize[s]?.write ?? '–']),
        f.bySize[sizes[0]!]?.calls ?? '–',
        f.gsiWriteUnitsNotReported,
        mark(f.same),
      ]);
    console.log(
      `\n7. Capacity per request (ReturnConsumedCapacity TOTAL), ${sizes.join(' and ')} items in the table\n${formatTable(rows)}\n`,
    );
    targets.push({
      id: 'capacity',
      description: 'capacity per request the same at every table size',
      target: 'same',
      actual: figures.every((f) => f.same)
        ? 'same for every route'
        : figures
            .filter((f) => !f.same)
            .map((f) => f.functionName)
            .join(', '),
      met: figures.every((f) => f.same),
    });
  }

  // 10. Scale
  if (enabled('scale')) {
    const figure = await runPhase<ScaleFigure>(
      {
        phase: 'scale',
        options: {
          rates: SETTINGS.scaleRates,
          readRates: SETTINGS.scaleReadRates,
          manyProjects: SETTINGS.scaleManyProjects,
          stepSeconds: SETTINGS.scaleStepSeconds,
          tickMs: SETTINGS.scaleTickMs,
          burstSeconds: SETTINGS.scaleBurstSeconds,
        },
      },
      log,
      1_800_000,
    );
    results.scale = { targetRatio: SCALE_TARGET_RATIO, ...figure };
    const rows: (string | number | null)[][] = [
      [
        'design',
        'load',
        'projects',
        'onset /s',
        'last clean /s',
        'first throttled key',
        'lag p99 ms (last clean)',
        'lag max ms (onset)',
        'counts',
      ],
    ];
    for (const r of figure.ramps) {
      const clean = r.steps.find((s) => s.rate === r.lastCleanRate);
      const onset = r.steps.find((s) => s.rate === r.onsetRate);
      rows.push([
        r.design,
        r.kind,
        r.projects,
        r.onsetRate ?? `none up to ${r.lastCleanRate}`,
        r.lastCleanRate,
        onset?.throttledKeys[0] ?? '',
        r.kind === 'churn' ? (clean?.lagP99Ms ?? '') : '',
        r.kind === 'churn' ? (onset?.lagMaxMs ?? '') : '',
        r.kind === 'churn' ? (r.steps.every((s) => s.countsExact) ? 'exact' : 'WRONG') : '',
      ]);
    }
    console.log(
      `\n10. Scale (throughput limits on; rates on the engine's clock, steps of ${SETTINGS.scaleStepSeconds} s in ticks of ${SETTINGS.scaleTickMs} ms, partitions keep ${SETTINGS.scaleBurstSeconds} s of burst)\n${formatTable(rows)}\n`,
    );
    targets.push({
      id: 'scale',
      description: `onset of throttling of one tenant's task churn over ${SETTINGS.scaleManyProjects} projects, current vs counters on the project item, counts exact`,
      target: `>= ${SCALE_TARGET_RATIO}x, exact`,
      actual: `${figure.churnRatio.atLeast ? '>= ' : ''}${figure.churnRatio.value}x, counts ${figure.countsExact ? 'exact' : 'WRONG'}`,
      met: figure.met,
    });
  }

  // 8. Client size
  if (enabled('client')) {
    const figures = await measureClientSize();
    results.clientSize = { figures };
    const rows: (string | number)[][] = [['bundle (esbuild, ESM, minified)', 'raw', 'gzip']];
    for (const f of figures) rows.push([f.name, kb(f.bytes), kb(f.gzipBytes)]);
    console.log(`\n8. Client size (KB = 1000 bytes)\n${formatTable(rows)}\n`);
  }

  // 4. End to end (last: it runs the whole stack)
  if (enabled('e2e')) {
    const figures: E2EFigure[] = await measureEndToEnd({ durationS: SETTINGS.e2eDurationS, connections: SETTINGS.e2eConnections, log });
    results.endToEnd = { tool: loadTool(), durationS: SETTINGS.e2eDurationS, targetRatio: E2E_TARGET_RATIO, figures };
    const rows: (string | number | null)[][] = [
      ['route', 'conns', 'stack req/s', 'p50 ms', 'p99 ms', 'sls offline req/s', 'plain req/s', 'p50 ms', 'p99 ms', 'ratio', 'errors', ''],
    ];
    for (const f of figures) {
      rows.push([
        f.request,
        f.connections,
        f.stack.rps,
        f.stack.p50,
        f.stack.p99,
        f.slsOffline.rps,
        f.plain.rps,
        f.plain.p50,
        f.plain.p99,
        f.ratio,
        f.stack.errors + f.plain.errors + f.slsOffline.errors,
        mark(f.met),
      ]);
    }
    console.log(
      `\n4. End to end (${loadTool()}, ${SETTINGS.e2eDurationS} s per run, loopback; stack = token check + local HTTP API + functions in a worker + embedded DynamoDB, as npm start; sls offline alone beside it)\n${formatTable(rows)}\n`,
    );
    const worst = figures.reduce((a, b) => ((b.ratio ?? 0) < (a.ratio ?? 0) ? b : a));
    targets.push({
      id: 'endToEnd',
      description: 'end-to-end throughput through the local stack vs the plain node:http server',
      target: `>= ${E2E_TARGET_RATIO}x`,
      actual: `${worst.ratio}x (${worst.request}, ${worst.connections} connections)`,
      met: figures.every((f) => f.met),
    });
  }

  // 9. Start and reload (after the others: it starts stacks and sls offline many times)
  if (enabled('start')) {
    const start = await measureStart({ runs: SETTINGS.startRuns, log });
    results.start = { targets: START_TARGETS, ...start };
    const { ours, slsOffline } = start;
    const rows: (string | number)[][] = [
      ['', 'ours ms', 'sls offline alone ms', ''],
      ['first start on a fresh build, to the first 200 (npm start)', ours.freshFirst200Ms, slsOffline.freshFirst200Ms, ''],
      [
        'warm start to the first 200 (npm start), p50',
        ours.warmFirst200Ms,
        slsOffline.warmFirst200Ms,
        mark(ours.warmFirst200Ms <= START_TARGETS.warmFirst200Ms),
      ],
      [
        '  scripts/start.ts alone: first 200 / stream consumer ready, p50',
        `${ours.scriptFirst200Ms} / ${ours.consumerReadyMs}`,
        '',
        mark(ours.consumerReadyMs <= START_TARGETS.consumerReadyMs),
      ],
      ['save to new code: a handler, p50', ours.reloadHandlerMs, slsOffline.reload, mark(ours.reloadHandlerMs < START_TARGETS.reloadP50Ms)],
      ['save to new code: packages/data, p50', ours.reloadDataMs, slsOffline.reload, mark(ours.reloadDataMs < START_TARGETS.reloadP50Ms)],
    ];
    console.log(`\n9. Start and reload (${start.runs} runs each; a copy of the repository)\n${formatTable(rows)}\n`);
    targets.push(
      {
        id: 'warmStart',
        description: 'warm npm start to its first 200 on :PORT, p50',
        target: `<= ${START_TARGETS.warmFirst200Ms} ms`,
        actual: `${ours.warmFirst200Ms} ms (sls offline alone: ${slsOffline.warmFirst200Ms} ms)`,
        met: ours.warmFirst200Ms <= START_TARGETS.warmFirst200Ms,
      },
      {
        id: 'consumerReady',
        description: 'stream consumer ready, from the spawn of scripts/start.ts, p50',
        target: `<= ${START_TARGETS.consumerReadyMs} ms`,
        actual: `${ours.consumerReadyMs} ms`,
        met: ours.consumerReadyMs <= START_TARGETS.consumerReadyMs,
      },
      {
        id: 'reload',
        description: 'save to the first response running the new code (a handler; packages/data), p50',
        target: `< ${START_TARGETS.reloadP50Ms} ms`,
        actual: `${ours.reloadHandlerMs} ms; ${ours.reloadDataMs} ms`,
        met: Math.max(ours.reloadHandlerMs, ours.reloadDataMs) < START_TARGETS.reloadP50Ms,
      },
    );
  }

  results.targets = targets;
  (results.machine as Record<string, unknown>).loadAverageAtEnd = loadAverage();
  results.durationS = elapsed();
  const rows = [['target', 'goal', 'measured', ''], ...targets.map((t) => [t.description, t.target, t.actual, mark(t.met)])];
  console.log(`\nTargets\n${formatTable(rows)}\n`);
  const partial = Boolean(only || quick || process.env.BENCH_API_DIR);
  const file = partial ? join(BUILD_DIR, 'results.partial.json') : join(BENCH_DIR, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${file} in ${results.durationS} s`);
  // docs/benchmarks.md shows the latest full run.
  if (!partial) {
    const docs = join(ROOT_DIR, 'docs', 'benchmarks.md');
    if (updateDocument(docs, renderResults(results as unknown as Results))) log(`updated the results in ${docs}`);
  }
}

main()
  .catch((error: unknown) => {
    console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAllChildren();
  });
