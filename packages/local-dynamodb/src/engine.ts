// The state shared by every operation: dynalite's store, the per-item locks, the group
// committer, the streams and the per-table extensions (stream, TTL).
import { Committer } from './commit.js';
import { createDynalite } from './dynalite.js';
import type { Dynalite, Store, TableRecord } from './dynalite.js';
import { ItemLocks } from './locks.js';
import { StreamStore } from './streams/store.js';
import type { StreamMeta } from './streams/store.js';
import { TableExtensions } from './table-extensions.js';
import { ThroughputLimits } from './throughput/limits.js';
import type { ThroughputLimitsOptions } from './throughput/limits.js';

export interface EngineOptions {
  /** LevelDB folder; in memory when undefined. */
  path?: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
  /** Milliseconds since the epoch; `Date.now` unless a test moves time. */
  clock: () => number;
  /** DynamoDB's throughput ceilings (throughput/limits.ts); none when undefined. */
  throughputLimits?: ThroughputLimitsOptions;
}

export interface Engine {
  dynalite: Dynalite;
  store: Store;
  locks: ItemLocks;
  committer: Committer;
  streams: StreamStore;
  extensions: TableExtensions;
  clock: () => number;
  /** Successful TransactWriteItems by ClientRequestToken (see transactions.ts). */
  idempotency: Map<string, { hash: string; at: number; response: Record<string, unknown> }>;
  /** Tokens of transactions still running. */
  inFlightTokens: Set<string>;
  /** Set when the throughput limits are on: every read and write is charged to them. */
  throughput?: ThroughputLimits;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  // First, so that bad options fail before the store is opened.
  const throughput = options.throughputLimits ? new ThroughputLimits(options.throughputLimits, options.clock) : undefined;
  const dynalite = createDynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: options.createTableMs,
    deleteTableMs: options.deleteTableMs,
    updateTableMs: options.updateTableMs,
  });
  const { store } = dynalite;
  const streams = new StreamStore({
    db: store.db,
    clock: options.clock,
    region: store.tableDb.awsRegion,
    accountId: store.tableDb.awsAccountId,
  });
  const extensions = new TableExtensions(store.db);
  try {
    await Promise.all([streams.load(), extensions.load()]);
  } catch (error) {
    await store.db.close().catch(() => undefined);
    throw error;
  }
  return {
    dynalite,
    store,
    locks: new ItemLocks(),
    committer: new Committer(store.db),
    streams,
    extensions,
    clock: options.clock,
    idempotency: new Map(),
    inFlightTokens: new Set(),
    ...(throughput ? { throughput } : {}),
  };
}

/** The table's enabled stream, which every change to its items is recorded in. */
export function enabledStream(engine: Engine, table: Pick<TableRecord, 'TableName' | 'TableId'>): StreamMeta | undefined {
  const arn = engine.extensions.get(table)?.latestStreamArn;
  const stream = arn ? engine.streams.get(arn) : undefined;
  return stream?.status === 'ENABLED' ? stream : undefined;
}
