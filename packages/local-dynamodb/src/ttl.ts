// Time to Live: UpdateTimeToLive, DescribeTimeToLive, and the background sweep that
// deletes expired items (and trims stream records past retention).
//
// As in DynamoDB, an item expires when its TTL attribute is a Number of epoch seconds
// earlier than now; an attribute of another type, or missing, never expires the item,
// nor does a value more than five years in the past (DynamoDB skips those too, so that
// a timestamp in the wrong unit cannot wipe a table). Each deletion is an ordinary
// REMOVE in the stream, marked as made by the DynamoDB service.
//
// DynamoDB deletes expired items within a few days; here a sweep runs every few seconds,
// so that code reacting to expiry can be exercised. Until the sweep comes, expired items
// are still returned by reads, as in DynamoDB.
import { db, dynaliteValidation, getTable, itemKeyPrefix, validateRequest } from './dynalite.js';
import type { Item, TableRecord, ValidationSpec } from './dynalite.js';
import type { Engine } from './engine.js';
import { validationError } from './errors.js';
import type { Handler } from './items.js';
import { itemLockKey } from './locks.js';
import { keysOf } from './streams/records.js';
import { tableLockKey } from './tables.js';
import { commitWrites, planWrite, readItem } from './writes.js';

const FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60;

const describeTimeToLiveSpec = dynaliteValidation('describeTimeToLive');
const updateTimeToLiveSpec: ValidationSpec = {
  types: {
    TableName: describeTimeToLiveSpec.types.TableName,
    TimeToLiveSpecification: {
      type: 'FieldStruct<TimeToLiveSpecification>',
      notNull: true,
      children: {
        Enabled: { type: 'Boolean', notNull: true },
        AttributeName: { type: 'String', notNull: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 255 },
      },
    },
  },
};

export const updateTimeToLive: Handler = async (engine, request) => {
  const data = validateRequest(request, updateTimeToLiveSpec, engine.store);
  const { Enabled, AttributeName } = data.TimeToLiveSpecification as { Enabled: boolean; AttributeName: string };
  const release = await engine.locks.acquire([tableLockKey(data.TableName as string)]);
  try {
    const table = await getTable(engine.store, data.TableName as string, false);
    const extension = engine.extensions.get(table) ?? { tableId: table.TableId };
    const current = extension.timeToLive?.enabled ? extension.timeToLive : undefined;
    // DynamoDB refuses an update that changes nothing, and changing the attribute in place.
    if (current && current.attributeName !== AttributeName) {
      throw validationError(`TimeToLive is active on a different AttributeName: current AttributeName is ${current.attributeName}`);
    }
    if (Enabled && current) throw validationError('TimeToLive is already enabled');
    if (!Enabled && !current) throw validationError('TimeToLive is already disabled');
    await engine.committer.commit([
      engine.extensions.set(table.TableName, { ...extension, timeToLive: { attributeName: AttributeName, enabled: Enabled } }),
    ]);
    return { TimeToLiveSpecification: { AttributeName, Enabled } };
  } finally {
    release();
  }
};

export const describeTimeToLive: Handler = async (engine, request) => {
  const data = validateRequest(request, describeTimeToLiveSpec, engine.store);
  const table = await getTable(engine.store, data.TableName as string, false);
  const timeToLive = engine.extensions.get(table)?.timeToLive;
  return {
    TimeToLiveDescription: timeToLive?.enabled
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: timeToLive.attributeName }
      : { TimeToLiveStatus: 'DISABLED' },
  };
};

function isExpired(value: unknown, nowSeconds: number): boolean {
  const number = (value as { N?: unknown } | undefined)?.N;
  if (typeof number !== 'string') return false;
  const seconds = Number(number);
  return seconds < nowSeconds && seconds > nowSeconds - FIVE_YEARS_SECONDS;
}

/** Deletes one expired item, unless a write made it live again since the scan saw it. */
async function expire(engine: Engine, table: TableRecord, itemKey: string, attributeName: string): Promise<void> {
  const release = await engine.locks.acquire([itemLockKey(table.TableName, itemKey)]);
  try {
    const item = await readItem(engine.store, table.TableName, itemKey);
    if (!item || !isExpired(item[attributeName], engine.clock() / 1000)) return;
    // dynalite's deleteItem works out the index entries to remove.
    const { write } = await planWrite(
      engine.store,
      'deleteItem',
      { TableName: table.TableName, Key: keysOf(item, table.KeySchema) },
      { table, itemKey },
      item,
    );
    await commitWrites(engine, [{ ...write, byService: true }]);
  } finally {
    release();
  }
}

/** One pass over the tables with TTL enabled. */
export async function deleteExpiredItems(engine: Engine): Promise<void> {
  for (const [tableName, extension] of engine.extensions.withTimeToLive()) {
    let table: TableRecord;
    try {
      table = await getTable(engine.store, tableName, true);
    } catch {
      continue; // deleted, or not ACTIVE yet
    }
    if (engine.extensions.get(table) !== extension) continue;
    const attributeName = extension.timeToLive!.attributeName;
    const nowSeconds = engine.clock() / 1000;
    const prefix = itemKeyPrefix(tableName);
    // Find first, delete after: a scan holds no locks while writers go on.
    const expired: string[] = [];
    for await (const item of engine.store.db.values({ gte: prefix, lt: `${prefix}\xff` }) as AsyncIterable<Item>) {
      if (isExpired(item[attributeName], nowSeconds)) expired.push(db.createKey(item, table));
    }
    for (const itemKey of expired) await expire(engine, table, itemKey, attributeName);
  }
}

/**
 * The background work: expired items, then stream retention. Runs every `intervalMs`,
 * never twice at once, and holds the process open only while a pass is running.
 */
export class Maintenance {
  readonly #engine: Engine;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #onError: (error: unknown) => void;

  constructor(engine: Engine, intervalMs: number, onError: (error: unknown) => void) {
    this.#engine = engine;
    this.#intervalMs = intervalMs;
    this.#onError = onError;
  }

  start(): void {
    if (this.#intervalMs > 0) this.#timer = setInterval(() => void this.run(), this.#intervalMs).unref();
  }

  run(): Promise<void> {
    this.#running ??= (async () => {
      try {
        await deleteExpiredItems(this.#engine);
        await this.#engine.committer.commit(await this.#engine.streams.trimOps());
      } catch (error) {
        this.#onError(error);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }
}
