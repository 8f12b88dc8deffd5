#!/usr/bin/env node
// `npm run db` (through scripts/db.ts) and the `local-dynamodb` bin: the embedded
// DynamoDB alone, with the tables of <rootDir>/serverless.yml, until SIGINT/SIGTERM.
import { realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalDynamoDBDataDirInUseError, LocalDynamoDBPortInUseError, startLocalDynamoDB } from './server.js';
import { readTableDefinitions } from './table-definition.js';
import { DEFAULT_THROUGHPUT_LIMITS } from './throughput/limits.js';
import type { ThroughputLimitsOptions } from './throughput/limits.js';

export interface DbCliOptions {
  /** Folder holding serverless.yml; data is kept in <stateDir>/dynamodb. */
  rootDir: string;
  /** What the local stack keeps between runs, as npm start's STATE_DIR; default <rootDir>/.local. */
  stateDir?: string;
  port: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Keep nothing on disk. */
  inMemory?: boolean;
  /** Serverless stage the table names are resolved for; default `local`. */
  stage?: string;
  /** Named in the port-in-use message; default `DB_PORT`. */
  portEnvName?: string;
  /** DynamoDB's throughput ceilings (`false`: none); read from DB_THROUGHPUT_LIMITS when undefined. */
  throughputLimits?: ThroughputLimitsOptions | false;
}

const out = (line: string): void => console.log(`[db] ${line}`);
const fail = (line: string): number => {
  console.error(`[db] ${line}`);
  return 1;
};

/** `DB_IN_MEMORY=1` (or `true`) or `--in-memory`. */
export function inMemoryRequested(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--in-memory') || env.DB_IN_MEMORY === '1' || env.DB_IN_MEMORY === 'true';
}

const BUDGETS: Record<string, keyof ThroughputLimitsOptions> = {
  read: 'partitionReadUnitsPerSecond',
  write: 'partitionWriteUnitsPerSecond',
  burst: 'partitionBurstSeconds',
};

/**
 * DB_THROUGHPUT_LIMITS: unset, empty or `off` for none; `on` for DynamoDB's ceilings (3,000
 * read and 1,000 write units per second per partition key); or other budgets per partition
 * key, such as `write=100,read=300` (units per second; `burst=` seconds kept). Anything else
 * throws, naming the variable.
 */
export function throughputLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): ThroughputLimitsOptions | undefined {
  const raw = env.DB_THROUGHPUT_LIMITS?.trim() ?? '';
  if (raw === '' || raw === 'off') return undefined;
  if (raw === 'on') return {};
  const limits: ThroughputLimitsOptions = {};
  for (const part of raw.split(',')) {
    const [name = '', value = '', ...rest] = part.split('=').map((piece) => piece.trim());
    const number = Number(value);
    const budget = Object.hasOwn(BUDGETS, name) ? BUDGETS[name] : undefined;
    if (!budget || rest.length || !/^\d+(\.\d+)?$/.test(value) || !(number > 0)) {
      throw new Error(`DB_THROUGHPUT_LIMITS must be on, off, or budgets such as write=100,read=300 (read, write, burst), got "${raw}"`);
    }
    limits[budget] = number;
  }
  return limits;
}

/** One line for the log: the budgets a partition key gets. */
function describeLimits(limits: ThroughputLimitsOptions): string {
  const { partitionReadUnitsPerSecond: read, partitionWriteUnitsPerSecond: write } = { ...DEFAULT_THROUGHPUT_LIMITS, ...limits };
  return `throughput limits on: ${read} RCU/s and ${write} WCU/s per partition key (DB_THROUGHPUT_LIMITS)`;
}

/**
 * The first SIGINT/SIGTERM. The handlers stay until `cancel()`: Ctrl+C under `npm run`
 * can deliver the signal twice, and a late one must not kill the process (exit code
 * null) during or after the stop. They do not keep the process alive.
 */
function stopSignal(): { received: Promise<NodeJS.Signals>; cancel(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => (onSignal = resolve));
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  return { received, cancel: () => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal) };
}

/**
 * Runs until SIGINT/SIGTERM and resolves to the exit code: 0 after a clean stop,
 * 1 when it cannot start (port taken, bad serverless.yml...), reported in one line.
 */
export async function runDbCli(options: DbCliOptions): Promise<number> {
  const dataDir = options.inMemory ? undefined : join(options.stateDir ?? join(options.rootDir, '.local'), 'dynamodb');
  let throughputLimits: ThroughputLimitsOptions | undefined;
  try {
    throughputLimits = options.throughputLimits === undefined ? throughputLimitsFromEnv() : options.throughputLimits || undefined;
  } catch (error) {
    return fail((error as Error).message);
  }
  // Listen from the start, so Ctrl+C while the tables are created still stops cleanly.
  const signal = stopSignal();
  let db;
  try {
    const tables = await readTableDefinitions(join(options.rootDir, 'serverless.yml'), { stage: options.stage ?? 'local' });
    db = await startLocalDynamoDB({
      port: options.port,
      host: options.host ?? '127.0.0.1',
      dataDir,
      tables,
      portEnvName: options.portEnvName ?? 'DB_PORT',
      warn: (message) => console.warn(`[db] warning: ${message}`),
      ...(throughputLimits ? { throughputLimits } : {}),
    });
  } catch (error) {
    signal.cancel();
    if (error instanceof LocalDynamoDBPortInUseError || error instanceof LocalDynamoDBDataDirInUseError) return fail(error.message);
    return fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
  out(
    `DynamoDB (embedded) on ${db.endpoint}, ${dataDir ? `data in ${relative(process.cwd(), dataDir) || dataDir}` : 'data in memory (lost on stop)'}`,
  );
  for (const table of db.tables) out(`table ${table.tableName} ready (${table.action === 'created' ? 'created' : 'existing, items kept'})`);
  if (throughputLimits) out(describeLimits(throughputLimits));
  out('ready: press Ctrl+C to stop');
  out(`${await signal.received}: stopping`);
  await db.stop();
  out('stopped');
  return 0;
}

function portFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.DB_PORT?.trim() || '8000';
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) throw new Error(`DB_PORT must be an integer from 1 to 65535, got "${env.DB_PORT}"`);
  return port;
}

function isMainModule(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// As the `local-dynamodb` bin: serverless.yml and .local/ are taken from the current folder.
if (isMainModule()) {
  try {
    const port = portFromEnv(process.env);
    process.exitCode = await runDbCli({ rootDir: process.cwd(), port, inMemory: inMemoryRequested() });
  } catch (error) {
    process.exitCode = fail(error instanceof Error ? error.message : String(error));
  }
}
