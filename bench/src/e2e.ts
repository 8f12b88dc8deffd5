// 4. End to end: requests per second and latency for a read route (GET /projects/{id}) and a
// write route (POST /projects) at 1 and 10 connections, through the local stack as `npm start`
// runs it (scripts/start.ts: the token-checking gateway in front of the local HTTP API, on the
// embedded DynamoDB), against a plain node:http server on the same data layer and the same
// database (bench/baseline/plain-server.ts). Also, as a diagnostic, `sls offline` alone on the
// same service and database (behind no token check), as npm start ran it before it served the
// routes itself. Load comes from wrk (or autocannon) in its own process.
import { join } from 'node:path';
import { loadLocalIssuer } from '@app/local-auth';
import { ratio, round } from './stats.ts';
import { generateLoad, type LoadRequest, type LoadResult } from './support/load.ts';
import { freePort } from '@app/testing';
import { BENCH_DIR, ROOT_DIR, startChild, TSX_ARGS, type Child } from './support/processes.ts';
import { CLAIMS, TENANT_ID } from './support/routes.ts';
import { firstAnswer, spawnSlsOffline, startStack } from './support/stack.ts';

/** The end-to-end target: the stack serves at least this share of the plain server's requests per second. */
export const E2E_TARGET_RATIO = 0.8;

export type Target = 'stack' | 'slsOffline' | 'plain';

export interface E2EFigure {
  route: 'read' | 'write';
  request: string;
  connections: number;
  /** Through the local stack (the token check and the local HTTP API, one process), as clients of npm start reach it. */
  stack: LoadFigure;
  /** Diagnostic: `sls offline` alone on the same service (no token check). */
  slsOffline: LoadFigure;
  /** The plain node:http server on @app/data. */
  plain: LoadFigure;
  /** stack.rps / plain.rps: the target's figure. */
  ratio: number | null;
  met: boolean;
}

export type LoadFigure = Omit<LoadResult, 'connections' | 'durationS'>;

export interface E2EOptions {
  durationS: number;
  connections: number[];
  log: (line: string) => void;
}

async function startPlainServer(dbEndpoint: string): Promise<{ child: Child; url: string }> {
  const child = startChild('plain', process.execPath, [...TSX_ARGS, join(BENCH_DIR, 'baseline', 'plain-server.ts')], {
    cwd: ROOT_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      DYNAMODB_ENDPOINT: dbEndpoint,
      // The same table and client settings the functions get (services/api/serverless.yml, stage local).
      TABLE_NAME: 'rest-api-data-local',
      CURSOR_SECRET: 'local-only-cursor-secret-not-for-deployed-stages',
      DYNAMODB_MAX_ATTEMPTS: '3',
      DYNAMODB_REQUEST_TIMEOUT_MS: '1000',
      PLAIN_TENANT_ID: TENANT_ID,
    },
  });
  const [, port] = await child.waitFor(/listening (\d+)/, 60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

const figure = ({ connections: _c, durationS: _d, ...rest }: LoadResult): LoadFigure => ({
  ...rest,
  rps: round(rest.rps, 0),
  p50: round(rest.p50, 2),
  p99: round(rest.p99, 2),
});

export async function measureEndToEnd(options: E2EOptions): Promise<E2EFigure[]> {
  options.log('starting the local stack (scripts/start.ts, as npm start)');
  const stack = await startStack({ apiPort: await freePort(), dbPort: await freePort() });
  let plain: { child: Child; url: string } | undefined;
  let offline: Child | undefined;
  try {
    plain = await startPlainServer(stack.dbEndpoint);
    const offlinePort = await freePort();
    offline = spawnSlsOffline({
      serviceDir: join(ROOT_DIR, 'services', 'api'),
      httpPort: offlinePort,
      lambdaPort: await freePort(),
      dbEndpoint: stack.dbEndpoint,
    });
    const offlineUrl = `http://127.0.0.1:${offlinePort}`;
    await firstAnswer(`${offlineUrl}/openapi.json`, (status) => status === 200, { timeoutMs: 180_000, intervalMs: 100 });
    const issuer = await loadLocalIssuer(stack.layout.authDir);
    const token = await issuer.sign({ subject: CLAIMS.sub, tenant: CLAIMS.tenant, expiresInSeconds: 3_600 });
    const auth = { authorization: `Bearer ${token}` };
    const created = await fetch(`${stack.apiUrl}/projects`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'End-to-end project' }),
    });
    if (created.status !== 201) throw new Error(`POST /projects through the stack answered ${created.status}: ${await created.text()}`);
    const projectId = ((await created.json()) as { id: string }).id;
    const bases: Record<Target, string> = { stack: stack.apiUrl, slsOffline: offlineUrl, plain: plain.url };
    const routes: { route: 'read' | 'write'; request: string; make: (base: string) => LoadRequest; status: number }[] = [
      {
        route: 'read',
        request: 'GET /projects/{projectId}',
        make: (base) => ({ url: `${base}/projects/${projectId}`, method: 'GET', headers: auth }),
        status: 200,
      },
      {
        route: 'write',
        request: 'POST /projects',
        make: (base) => ({
          url: `${base}/projects`,
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Load' }),
        }),
        status: 201,
      },
    ];
    // Every target answers each route correctly before anything is timed.
    for (const r of routes) {
      for (const [target, base] of Object.entries(bases)) {
        const req = r.make(base);
        const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body });
        if (res.status !== r.status) throw new Error(`${target}: ${r.request} answered ${res.status}: ${await res.text()}`);
      }
    }
    const figures: E2EFigure[] = [];
    let turn = 0;
    for (const r of routes) {
      // Warm-up: JIT, connection pools, the functions' first (cold) invocations.
      for (const base of Object.values(bases)) await generateLoad(r.make(base), 10, 1);
      for (const connections of options.connections) {
        const results: Partial<Record<Target, LoadResult>> = {};
        // The order rotates, so that no target always runs first (or last) on a warming machine.
        const order = (['stack', 'slsOffline', 'plain'] as Target[]).map((_, i, all) => all[(i + turn) % all.length]!);
        turn++;
        for (const target of order) {
          results[target] = await generateLoad(r.make(bases[target]), connections, options.durationS);
          options.log(
            `${r.request} c=${connections} ${target}: ${Math.round(results[target]!.rps)} req/s, p50 ${results[target]!.p50.toFixed(2)} ms, p99 ${results[target]!.p99.toFixed(2)} ms`,
          );
        }
        const rps = ratio(results.stack!.rps, results.plain!.rps);
        figures.push({
          route: r.route,
          request: r.request,
          connections,
          stack: figure(results.stack!),
          slsOffline: figure(results.slsOffline!),
          plain: figure(results.plain!),
          ratio: rps,
          met: rps !== null && rps >= E2E_TARGET_RATIO,
        });
      }
    }
    return figures;
  } finally {
    await plain?.child.stop();
    await offline?.stop('SIGINT');
    await stack.stop();
  }
}
