// npm start: the whole system on this machine.
//   1. DynamoDB: the embedded engine on 127.0.0.1:$DB_PORT (default 8000), data kept in
//      .local/dynamodb (DB_IN_MEMORY=1 keeps nothing), or any endpoint given in
//      DYNAMODB_ENDPOINT (DynamoDB Local, LocalStack, AWS) instead.
//   2. The table from the root serverless.yml, created or brought up to date.
//   3. The API service through `sls offline` (on OFFLINE_HTTP_PORT, default 3001), behind
//      the local JWT verifier on http://localhost:$PORT (default 3000), which plays API
//      Gateway's authorizer with the local issuer's keys (.local/auth; `npm run token`).
// Ctrl+C stops everything.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLocalEndpoint, LOCAL_CREDENTIALS } from '@app/data/local-endpoint';
import { createVerifier, loadLocalIssuer, startAuthGateway, type AuthGateway } from '@app/local-auth';
import { ensureTablesAt, inMemoryRequested, readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';
import { throughputLimitsFromEnv } from '@app/local-dynamodb';
import { assertPortFree, envPort, waitForPort } from './lib/ports.ts';
import { startProcess, type ServiceProcess } from './lib/processes.ts';

// Lambda runs Node 22; a developer on Node 20.19+ needs no SDK deprecation notice on every start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => console.log(`[start] ${line}`);
const STAGE = 'local';
/** Routes that deployed stages serve without the authorizer. */
const PUBLIC_PATHS: string[] = ['/openapi.json', '/docs', '/docs/'];

async function main(): Promise<number> {
  const apiPort = envPort('PORT', 3000);
  const offlinePort = envPort('OFFLINE_HTTP_PORT', 3001);
  const lambdaPort = envPort('OFFLINE_LAMBDA_PORT', 3002);
  const external = process.env.DYNAMODB_ENDPOINT?.trim();
  const dbPort = external ? undefined : envPort('DB_PORT', 8000);
  await assertPortFree(apiPort, '127.0.0.1', 'PORT');
  await assertPortFree(offlinePort, '127.0.0.1', 'OFFLINE_HTTP_PORT');
  await assertPortFree(lambdaPort, '127.0.0.1', 'OFFLINE_LAMBDA_PORT');
  // Everything the local stack keeps between runs: the database, stream checkpoints and
  // failed batches, the local issuer's key.
  const stateDir = process.env.STATE_DIR || join(rootDir, '.local');
  const inMemory = !external && inMemoryRequested();
  const issuer = await loadLocalIssuer(process.env.AUTH_DIR ?? join(stateDir, 'auth'));

  const tables = await readTableDefinitions(join(rootDir, 'serverless.yml'), { stage: STAGE });
  let db: LocalDynamoDB | undefined;
  let endpoint: string;
  if (external) {
    log(`DynamoDB: using ${external} (DYNAMODB_ENDPOINT)`);
    await ensureTablesAt(external, tables);
    endpoint = external;
  } else {
    const dataDir = inMemory ? undefined : join(stateDir, 'dynamodb');
    const throughputLimits = throughputLimitsFromEnv(); // DB_THROUGHPUT_LIMITS
    db = await startLocalDynamoDB({ port: dbPort, dataDir, tables, throughputLimits, warn: (m) => log(`warning: ${m}`) });
    endpoint = db.endpoint;
    log(`DynamoDB (embedded) on ${endpoint}, ${dataDir ? `data in ${dataDir}` : 'in memory'}`);
  }
  for (const table of tables) log(`table ${table.tableName} ready`);

  const services: ServiceProcess[] = [];
  const running: { gateway?: AuthGateway } = {};
  const stopAll = async () => {
    await running.gateway?.stop();
    await Promise.all(services.map((s) => s.stop()));
    await db?.stop();
  };
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve).once('SIGTERM', resolve);
  });

  const local = !external || isLocalEndpoint(external);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    DYNAMODB_ENDPOINT: endpoint,
    OFFLINE_HTTP_PORT: String(offlinePort),
    OFFLINE_LAMBDA_PORT: String(lambdaPort),
    ...(local
      ? {
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_SESSION_TOKEN: '',
        }
      : {}),
  };
  const slsBin = join(rootDir, 'node_modules', '.bin', 'sls');
  // sls offline prints several lines per request (its notices); the gateway below writes one
  // access line per request instead ([http]), which also spares this process relaying them.
  // SLS_LOG_LEVEL=notice brings them back.
  const apiEnv = { ...env, SLS_LOG_LEVEL: process.env.SLS_LOG_LEVEL || 'warning' };
  const api = startProcess('api', slsBin, ['offline', 'start', '--stage', STAGE], { cwd: join(rootDir, 'services', 'api'), env: apiEnv });
  services.push(api);

  const waiting = new AbortController();
  try {
    await Promise.race([
      // Ready when it listens (its "Server ready" line is a notice).
      waitForPort(offlinePort, '127.0.0.1', 180_000, waiting.signal),
      // sls prints its errors and may keep running: fail at once rather than time out.
      api.waitFor(/^\s*Error:/, 180_000).then(() => Promise.reject(new Error('sls offline failed to start: see the [api] lines above'))),
      signalled.then(() => Promise.reject(new Error('interrupted'))),
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  } finally {
    waiting.abort();
  }
  running.gateway = await startAuthGateway({
    port: apiPort,
    target: `http://127.0.0.1:${offlinePort}`,
    verify: createVerifier({ jwks: issuer.jwks, issuer: issuer.issuer, audience: issuer.audience }),
    jwks: issuer.jwks,
    publicPaths: PUBLIC_PATHS,
    onResponse: (e) => console.log(`[http] ${e.method} ${e.path} ${e.status} ${e.latencyMs.toFixed(1)} ms`),
  });
  log(`API on http://localhost:${apiPort} (bearer tokens from: npm run token -- <user> [--tenant <tenant>])`);

  // The stream consumer, fed by the local event-source mapping (scripts/stream-runner.ts).
  const consumer = startProcess(
    'consumer',
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(rootDir, 'scripts', 'stream-runner.ts')],
    {
      cwd: rootDir,
      // A database kept in memory takes its stream with it: then no checkpoints are kept either.
      env: { ...env, STREAMS_STATE_DIR: inMemory ? '' : join(stateDir, 'streams') },
    },
  );
  services.push(consumer);
  try {
    await Promise.race([
      consumer.waitFor(/\[runner\] ready/, 120_000),
      consumer
        .waitFor(/\[runner\] (?!ready)/, 120_000)
        .then((line) => Promise.reject(new Error(`stream consumer failed to start: ${line}`))),
      signalled.then(() => Promise.reject(new Error('interrupted'))),
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  log('stream consumer running (its batches log as [consumer])');
  log('ready: press Ctrl+C to stop');

  const stopped = await Promise.race([
    signalled.then((signal) => `${signal} received`),
    new Promise<string>((resolve) => api.child.once('exit', (code) => resolve(`api exited (code ${code})`))),
    new Promise<string>((resolve) => consumer.child.once('exit', (code) => resolve(`stream consumer exited (code ${code})`))),
  ]);
  log(`${stopped}: stopping`);
  await stopAll();
  log('stopped');
  return stopped.endsWith('received') ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
