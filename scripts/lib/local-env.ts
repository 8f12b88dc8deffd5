// The local stack's layout, resolved once from the environment for every command that uses
// it (npm start, npm run db, npm run token, the stream runner, the bench): a documented
// variable means the same everywhere. README.md's table lists them.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLocalEndpoint, LOCAL_CREDENTIALS } from '@app/data/local-endpoint';
import { envPort } from './ports.ts';

export const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The Serverless stage the local stack resolves serverless.yml files for. */
export const LOCAL_STAGE = 'local';

export interface LocalEnv {
  rootDir: string;
  stage: string;
  /** STATE_DIR: what the local stack keeps between runs (default <root>/.local). */
  stateDir: string;
  /** AUTH_DIR: the local issuer's signing key (default $STATE_DIR/auth). */
  authDir: string;
  /** The embedded DynamoDB's data folder; undefined with DB_IN_MEMORY=1 or DYNAMODB_ENDPOINT. */
  dataDir: string | undefined;
  /** Stream checkpoints and failed batches; undefined when the data is in memory (the stream goes with it). */
  streamsDir: string | undefined;
  /** The functions' metric lines (CloudWatch embedded metric format), one JSON object a line; emptied by each npm start. */
  metricsFile: string;
  /** PORT: where clients call the API. */
  apiPort: number;
  /** DB_PORT: the embedded DynamoDB's port. */
  dbPort: number;
  /** DYNAMODB_ENDPOINT: another DynamoDB to use instead of the embedded one. */
  externalEndpoint: string | undefined;
  /** DB_IN_MEMORY=1 (or --in-memory): keep nothing of the database on disk. */
  inMemory: boolean;
  /** The `sls` executable (osls). */
  slsBin: string;
  /**
   * THROTTLE=off: the gateway does not enforce the API stage's request limits (on by default,
   * as deployed). For load tests (npm run bench) and suites that measure the code, not the limit.
   */
  throttle: boolean;
}

/** Reads the local stack's variables strictly (a bad port is an error naming the variable). */
export function localEnv(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): LocalEnv {
  const stateDir = env.STATE_DIR?.trim() ? resolve(env.STATE_DIR.trim()) : join(ROOT_DIR, '.local');
  const externalEndpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  const inMemory = !externalEndpoint && (argv.includes('--in-memory') || env.DB_IN_MEMORY === '1' || env.DB_IN_MEMORY === 'true');
  const keepsData = !externalEndpoint && !inMemory;
  return {
    rootDir: ROOT_DIR,
    stage: LOCAL_STAGE,
    stateDir,
    authDir: env.AUTH_DIR?.trim() ? resolve(env.AUTH_DIR.trim()) : join(stateDir, 'auth'),
    dataDir: keepsData ? join(stateDir, 'dynamodb') : undefined,
    // An external database keeps its stream: its checkpoints are kept too.
    streamsDir: inMemory ? undefined : join(stateDir, 'streams'),
    metricsFile: join(stateDir, 'metrics.ndjson'),
    apiPort: envPort('PORT', 3000, env),
    dbPort: envPort('DB_PORT', 8000, env),
    externalEndpoint,
    inMemory,
    slsBin: join(ROOT_DIR, 'node_modules', '.bin', 'sls'),
    throttle: !['off', '0', 'false'].includes(env.THROTTLE?.trim().toLowerCase() ?? ''),
  };
}

/** The layout as one JSON object (`npm start -- --print-env`, and the test that checks every command agrees). */
export function describeLocalEnv(layout: LocalEnv): Record<string, string | number | boolean | null> {
  return {
    stateDir: layout.stateDir,
    authDir: layout.authDir,
    dataDir: layout.dataDir ?? null,
    streamsDir: layout.streamsDir ?? null,
    metricsFile: layout.metricsFile,
    apiPort: layout.apiPort,
    dbPort: layout.dbPort,
    externalEndpoint: layout.externalEndpoint ?? null,
    inMemory: layout.inMemory,
    throttle: layout.throttle,
  };
}

/** What every local function and `sls print` see: the endpoint, and the fixed credentials a local endpoint takes. */
export function functionEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return {
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: env.AWS_REGION || 'us-east-1',
    ...(isLocalEndpoint(endpoint)
      ? {
          AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
          AWS_SESSION_TOKEN: '',
        }
      : {}),
  };
}
