// startLocalDynamoDB: the embedded DynamoDB on one HTTP endpoint. dynalite (DynamoDB's
// API over LevelDB) runs in this process behind our front (front.ts), which adds
// DynamoDB Streams, transactions, TTL and ReturnValuesOnConditionCheckFailure.
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { createEngine } from './engine.js';
import type { Engine } from './engine.js';
import { ensureTablesAt } from './ensure-tables.js';
import type { EnsureTableResult } from './ensure-tables.js';
import { createFront } from './front.js';
import type { TableDefinition } from './table-definition.js';
import type { ThroughputControl, ThroughputLimitsOptions } from './throughput/limits.js';
import { Maintenance } from './ttl.js';

interface LevelStore {
  open(): Promise<void>;
  close(): Promise<void>;
}
// dynalite's own LevelDB binding, to see whether another process holds the store.
const require = createRequire(import.meta.url);
const { Level } = createRequire(require.resolve('dynalite'))('level') as { Level: new (path: string) => LevelStore };

export interface LocalDynamoDBOptions {
  /** Default 8000; `0` picks any free port. */
  port?: number;
  /** Default `127.0.0.1`: a development database never listens beyond loopback unless asked. */
  host?: string;
  /** Keep the data in a LevelDB store in this directory; in memory when undefined. */
  dataDir?: string;
  /** Tables to create (or bring up to date) before the returned promise resolves. */
  tables?: readonly TableDefinition[];
  /** How long tables stay CREATING/DELETING/UPDATING; default 0 (ACTIVE at once). */
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  /** Named in the port-in-use message as the way to pick another port; default `DB_PORT`. */
  portEnvName?: string;
  /** Where table warnings go; default `console.warn`. */
  warn?: (message: string) => void;
  /**
   * How often expired TTL items are deleted (and stream records older than 24 hours
   * trimmed); default 5000 ms. `0` turns the background sweep off.
   */
  ttlSweepIntervalMs?: number;
  /**
   * The engine's clock in epoch milliseconds (TTL expiry, stream retention, iterator
   * and ClientRequestToken expiry); default `Date.now`. Lets tests move time.
   */
  now?: () => number;
  /** Where unexpected errors (a failed background sweep...) go; default `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * DynamoDB's throughput ceilings: `true` for DynamoDB's own (3,000 read and 1,000 write
   * units per second per partition key value, in the table and in each GSI; provisioned
   * tables also their provisioned rate, with 300 seconds of burst), or other budgets.
   * Throttled requests get DynamoDB's exception. Off by default. The budgets run on `now`.
   */
  throughputLimits?: boolean | ThroughputLimitsOptions;
}

export interface LocalDynamoDB {
  endpoint: string;
  port: number;
  /** What happened to each of `options.tables`. */
  tables: EnsureTableResult[];
  /** Runs the TTL sweep and stream retention now (they also run every `ttlSweepIntervalMs`). */
  sweep(): Promise<void>;
  /** The throughput limits' counters and reset, when `throughputLimits` is on. */
  throughput?: ThroughputControl;
  /** Closes the server, its open connections and the data store; safe to call twice. */
  stop(): Promise<void>;
}

export class LocalDynamoDBPortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  readonly port: number;
  readonly host: string;

  constructor(port: number, host: string, envName = 'DB_PORT') {
    super(`port ${port} on ${host} is already in use: stop the other process or set ${envName}`);
    this.name = 'LocalDynamoDBPortInUseError';
    this.port = port;
    this.host = host;
  }
}

export class LocalDynamoDBDataDirInUseError extends Error {
  readonly dataDir: string;

  constructor(dataDir: string) {
    super(
      `data directory ${dataDir} is already used by another running DynamoDB (npm run db or npm start?): stop it or use another directory`,
    );
    this.name = 'LocalDynamoDBDataDirInUseError';
    this.dataDir = dataDir;
  }
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolvePromise();
    };
    server.once('error', onError).once('listening', onListening).listen(port, host);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    // Past a grace period, cut connections still busy so stop() never hangs.
    const force = setTimeout(() => server.closeAllConnections(), 1_000).unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolvePromise();
    });
    // SDK clients keep their sockets alive; close() alone would wait for them.
    server.closeIdleConnections();
  });
}

/** Waits for writes in flight, then closes the LevelDB store (releasing a data folder). */
async function closeEngine(engine: Engine): Promise<void> {
  await engine.committer.drain();
  await engine.store.db.close();
}

// dynalite would open a locked store without a word and then crash on the first request.
async function isStoreLocked(path: string): Promise<boolean> {
  const store = new Level(path);
  try {
    await store.open();
    return false;
  } catch (error) {
    if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') return true;
    throw error;
  } finally {
    await store.close();
  }
}

async function isPortTaken(port: number, host: string): Promise<boolean> {
  const probe = createServer();
  try {
    await listen(probe, port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
    throw error;
  }
  await new Promise((resolvePromise) => probe.close(resolvePromise));
  return false;
}

/** Starts the embedded DynamoDB on `host:port` and creates `options.tables`. */
export async function startLocalDynamoDB(options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 8000;
  const path = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const report = options.onError ?? ((error: unknown) => console.error('[local-dynamodb]', error));
  // A request still running when stop() closed the store fails with this; it is no news.
  const onError = (error: unknown): void => {
    if (!/Database is (not open|closed)/.test(error instanceof Error ? error.message : String(error))) report(error);
  };
  if (path) {
    await mkdir(path, { recursive: true });
    if (await isStoreLocked(path)) {
      // Most often the other process is another copy of us: the port says it best.
      if (port !== 0 && (await isPortTaken(port, host))) throw new LocalDynamoDBPortInUseError(port, host, options.portEnvName);
      throw new LocalDynamoDBDataDirInUseError(path);
    }
  }
  const engine = await createEngine({
    ...(path ? { path } : {}),
    createTableMs: options.createTableMs ?? 0,
    deleteTableMs: options.deleteTableMs ?? 0,
    updateTableMs: options.updateTableMs ?? 0,
    clock: options.now ?? Date.now,
    ...(options.throughputLimits ? { throughputLimits: options.throughputLimits === true ? {} : options.throughputLimits } : {}),
  });
  const server = createFront(engine, onError);
  try {
    await listen(server, port, host);
  } catch (error) {
    // Release the store, so the same dataDir can be used again in this process.
    await closeEngine(engine).catch(() => undefined);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new LocalDynamoDBPortInUseError(port, host, options.portEnvName);
    throw error;
  }
  const maintenance = new Maintenance(engine, options.ttlSweepIntervalMs ?? 5_000, onError);
  maintenance.start();
  const actualPort = (server.address() as AddressInfo).port;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await close(server);
      await maintenance.stop();
      await closeEngine(engine);
    })());
  try {
    const tables = options.tables?.length ? await ensureTablesAt(endpoint, options.tables, { warn: options.warn }) : [];
    return {
      endpoint,
      port: actualPort,
      tables,
      sweep: () => maintenance.run(),
      ...(engine.throughput ? { throughput: engine.throughput } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
