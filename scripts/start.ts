// npm start: the whole system on this machine, in one process.
//   1. DynamoDB: the embedded engine on 127.0.0.1:$DB_PORT (default 8000), data kept in
//      $STATE_DIR/dynamodb (DB_IN_MEMORY=1 keeps nothing), or any endpoint given in
//      DYNAMODB_ENDPOINT (DynamoDB Local, LocalStack, AWS) instead.
//   2. The table from the root serverless.yml, created or brought up to date.
//   3. The API on http://localhost:$PORT (default 3000): the local JWT verifier (API Gateway's
//      authorizer, with the local issuer's keys in $AUTH_DIR; `npm run token`) in front of the
//      routes of services/api/serverless.yml, each served by its function, built with the
//      service's esbuild settings and run in a worker thread (packages/local-lambda).
//   4. The stream consumer, fed by the local event-source mapping (packages/local-streams).
//   5. A watcher: a saved source file reloads the functions built from it; a saved
//      serverless.yml reloads the service it describes (lib/changes.ts).
// It reports readiness and failure through values: an IPC message to a parent that has a
// channel ({type: 'ready', ...} or {type: 'failed', ...}), and the exit code (0 after Ctrl+C).
//
// Why not `sls offline` (as before): on this 2-core machine it served its first request
// 4.2 s after it was started (1.4 s to boot the framework, 2.7 s to bundle all fifteen
// functions), reloaded nothing (useInProcess), and its requests crossed a second HTTP server
// behind the token check. Here a warm npm start served its first 200 after 0.88 s (p50; npm run
// bench -- --only=start; docs/benchmarks.md). `npm run offline -w @app/api` still runs it alone.
import { mkdir, writeFile } from 'node:fs/promises';
import inspector from 'node:inspector';
import { dirname, join, relative } from 'node:path';
import { createVerifier, loadLocalIssuer, startAuthGateway } from '@app/local-auth';
import { ServiceConfigError, watchFiles } from '@app/local-lambda';
import { startLocalApi } from './lib/api.ts';
import { banner } from './lib/banner.ts';
import { ChangeDispatcher } from './lib/changes.ts';
import { describeLocalEnv, localEnv, ROOT_DIR } from './lib/local-env.ts';
import { assertPortFree } from './lib/ports.ts';
import { LocalStack, type StartMessage } from './lib/stack.ts';

// Lambda runs Node 22; a developer on Node 20.19+ needs no SDK deprecation notice on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const started = performance.now();
const since = () => `${Math.round(performance.now() - started)} ms`;
const log = (line: string) => console.log(`[start] ${line}`);
/** Routes that deployed stages serve without the authorizer. */
const PUBLIC_PATHS: string[] = ['/openapi.json', '/docs', '/docs/'];

const report = (message: StartMessage) => process.send?.(message);

/**
 * The first SIGINT/SIGTERM. The handlers stay: Ctrl+C under `npm start` can deliver the signal
 * twice, and a late one must not kill the process (exit code null) while it stops.
 */
function signals(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => process.on('SIGINT', resolve).on('SIGTERM', resolve));
}

async function main(): Promise<number> {
  const layout = localEnv();
  await assertPortFree(layout.apiPort, '127.0.0.1', 'PORT');
  const stack = new LocalStack(layout, log);
  // The metric lines of this run only (the functions append to it).
  await mkdir(dirname(layout.metricsFile), { recursive: true });
  await writeFile(layout.metricsFile, '');
  const signalled = signals();
  const interrupted = signalled.then(() => Promise.reject(new Error('interrupted')));
  interrupted.catch(() => undefined);
  try {
    // The database, the services' configurations and the issuer's key are independent: at once.
    const [issuer] = await Promise.race([
      Promise.all([loadLocalIssuer(layout.authDir), stack.startDatabase(), stack.openServices()]),
      interrupted,
    ]);
    stack.api = startLocalApi({ service: stack.apiService!, rootDir: layout.rootDir, log: (line) => console.log(`[api] ${line}`) });
    stack.gateway = await startAuthGateway({
      port: layout.apiPort,
      target: (req, res, claims) => stack.api!.httpApi.handle(req, res, claims),
      verify: createVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
      jwks: issuer.jwks,
      publicPaths: PUBLIC_PATHS,
      throttle: () => stack.throttle(),
      routeKeyOf: (method, path) => stack.api!.httpApi.match(method, path)?.route.routeKey ?? `${method} ${path}`,
      onResponse: (e) => console.log(`[http] ${e.method} ${e.path} ${e.status} ${e.latencyMs.toFixed(1)} ms`),
    });
    const apiReadyMs = Math.round(performance.now() - started);
    const limits = stack.throttle()?.settings;
    const writes = limits && Object.values(limits.routes ?? {})[0];
    log(
      limits
        ? `request limits as deployed (services/api/serverless.yml, custom.throttle): ${limits.default.rate}/s, burst ${limits.default.burst} per route${writes ? `; ${writes.rate}/s, burst ${writes.burst} per writing route` : ''} (THROTTLE=off lifts them)`
        : 'request limits off (THROTTLE=off)',
    );
    log(`metrics: one EMF line per request and per consumer batch in ${relative(process.cwd(), layout.metricsFile) || layout.metricsFile}`);
    console.log(banner({ apiPort: layout.apiPort, routes: stack.api.httpApi.routes, publicPaths: PUBLIC_PATHS, readyIn: since() }));

    stack.consumer = await Promise.race([stack.startConsumer(), interrupted]);
    const consumerReadyMs = Math.round(performance.now() - started);
    log(`stream consumer reading the table's stream (${since()}; its batches log as [consumer])`);

    const dispatcher = new ChangeDispatcher({ stack, log, report });
    stack.watch = await watchFiles({
      dirs: [layout.rootDir],
      onChange: (files) => dispatcher.dispatch(files),
      onError: (error) => log(`file watcher: ${error.message}`),
    });
    const debug = inspector.url();
    if (debug) log(`debugger on ${debug}: attach Chrome (chrome://inspect) or VS Code; the functions run in worker threads it lists`);
    log(`ready in ${since()}: saved changes reload; press Ctrl+C to stop`);
    report({
      type: 'ready',
      apiUrl: `http://127.0.0.1:${layout.apiPort}`,
      dbEndpoint: stack.endpoint,
      apiReadyMs,
      consumerReadyMs,
      layout: describeLocalEnv(layout),
      throttle: stack.throttle()?.settings ?? null,
    });
  } catch (error) {
    await stack.stop();
    throw error;
  }

  const signal = await signalled;
  log(`${signal}: stopping`);
  await stack.stop();
  log('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ServiceConfigError
        ? `${relative(ROOT_DIR, join(error.serviceDir, 'serverless.yml'))}: ${error.message}`
        : error instanceof Error
          ? error.message
          : String(error);
    console.error(`[start] ${message}`);
    // The parent learns why before the exit code says that it failed.
    if (process.send) process.send({ type: 'failed', message } satisfies StartMessage, () => process.exit(1));
    else process.exit(1);
  },
);
