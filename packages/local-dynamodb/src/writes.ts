// The write path of every item change: PutItem, UpdateItem, DeleteItem, each request of
// BatchWriteItem, each action of TransactWriteItems, and TTL deletions.
//
// A write runs dynalite's own action (putItem, updateItem, deleteItem), in process, but
// against a *planning store*: a stand-in that serves the current item we read under the
// item's lock and records what the action would write, instead of writing it. That keeps
// all of dynalite's semantics (conditions, update expressions, return values, index
// maintenance, error messages) while we decide how the result reaches the store: as one
// atomic batch holding the item, its index entries and its stream record, committed in
// lock order (see locks.ts and commit.ts). It also lets a transaction plan all its
// actions first and write nothing unless every one of them succeeds, and lets the
// throughput limits, when on, charge a write its exact units before it is stored.
import { conditionalCheckFailed, errorName, isApiError } from './errors.js';
import type { ApiError } from './errors.js';
import { db, dynaliteAction, getTable, indexKeyPrefix, itemKeyPrefix, runAction } from './dynalite.js';
import type { Action, BatchOp, Callback, Item, Store, TableRecord } from './dynalite.js';
import { enabledStream } from './engine.js';
import type { Engine } from './engine.js';
import { itemLockKey } from './locks.js';
import { buildRecord, describeChange } from './streams/records.js';
import { failedConditionCharges, reportCapacity, writeCharges } from './throughput/capacity.js';
import type { Charge } from './throughput/capacity.js';

export type WriteAction = 'putItem' | 'updateItem' | 'deleteItem';

const actions: Record<WriteAction, Action> = {
  putItem: dynaliteAction('putItem'),
  updateItem: dynaliteAction('updateItem'),
  deleteItem: dynaliteAction('deleteItem'),
};

/** A change worked out under the item's lock, not yet in the store. */
export interface PlannedWrite {
  table: TableRecord;
  itemKey: string;
  oldItem?: Item;
  /** The item after the write; undefined when the write deletes it (or it stays absent). */
  newItem?: Item;
  indexOps: BatchOp[];
  /** TTL deletions: the stream record names the DynamoDB service as the actor. */
  byService?: boolean;
}

export interface Target {
  table: TableRecord;
  itemKey: string;
}

/** The table (ACTIVE or UPDATING) and the key string of the item a request writes. */
export async function resolveTarget(store: Store, tableName: string, keyOrItem: Item, isItem: boolean): Promise<Target> {
  const table = await getTable(store, tableName, true);
  const invalid = isItem ? db.validateItem(keyOrItem, table) : db.validateKey(keyOrItem, table);
  if (invalid) throw invalid;
  return { table, itemKey: db.createKey(keyOrItem, table) };
}

export function readItem(store: Store, tableName: string, itemKey: string): Promise<Item | undefined> {
  return new Promise((resolve, reject) =>
    store.getItemDb(tableName).get(itemKey, (error, item) => {
      if (error && error.name !== 'NotFoundError' && (error as { code?: string }).code !== 'LEVEL_NOT_FOUND') reject(error);
      else resolve((item as Item | undefined) ?? undefined);
    }),
  );
}

/**
 * Runs dynalite's `action` for `data` against `oldItem` without writing anything.
 * Rejects as the action would (ConditionalCheckFailedException, ValidationException...).
 */
export async function planWrite(
  store: Store,
  action: WriteAction,
  data: Record<string, unknown>,
  target: Target,
  oldItem: Item | undefined,
): Promise<{ write: PlannedWrite; response: Record<string, unknown> }> {
  const { table, itemKey } = target;
  const write: PlannedWrite = { table, itemKey, oldItem, newItem: oldItem, indexOps: [] };
  const done = <T>(cb: Callback<T>, value?: T): void => cb(null, value);
  const planningStore = {
    options: store.options,
    getTable: (_name: string, checkStatus: unknown, cb?: Callback<TableRecord>) =>
      done((cb ?? checkStatus) as Callback<TableRecord>, table),
    getItemDb: () => ({
      // The real lock is already held by the caller.
      lock: (_key: string, fn: (release: (cb: Callback<unknown>) => Callback<unknown>) => void) => fn((cb) => cb),
      get: (_key: string, cb: Callback<Item | undefined>) => done(cb, oldItem),
      put: (_key: string, item: Item, cb: Callback<void>) => {
        write.newItem = item;
        done(cb);
      },
      del: (_key: string, cb: Callback<void>) => {
        write.newItem = undefined;
        done(cb);
      },
    }),
    getIndexDb: (indexType: string, tableName: string, indexName: string) => {
      const prefix = indexKeyPrefix(indexType, tableName, indexName);
      return {
        put: (key: string, value: Item, cb: Callback<void>) => {
          write.indexOps.push({ type: 'put', key: prefix + key, value });
          done(cb);
        },
        del: (key: string, cb: Callback<void>) => {
          write.indexOps.push({ type: 'del', key: prefix + key });
          done(cb);
        },
      };
    },
  };
  const response = await runAction(actions[action], planningStore, data);
  return { write, response };
}

/**
 * Commits planned writes as one batch: each item (put or delete), its index entries and,
 * when its table has an enabled stream, its record. A write that changes nothing writes
 * nothing and records nothing, as in DynamoDB. Sequence numbers are assigned here, in the
 * same synchronous step as the commit, so they follow commit order.
 */
export function commitWrites(engine: Engine, writes: readonly PlannedWrite[]): Promise<void> {
  const ops: BatchOp[] = [];
  const now = engine.clock();
  for (const write of writes) {
    const change = describeChange(write.oldItem, write.newItem);
    if (!change) continue;
    const key = itemKeyPrefix(write.table.TableName) + write.itemKey;
    ops.push(write.newItem ? { type: 'put', key, value: write.newItem } : { type: 'del', key }, ...write.indexOps);
    const stream = enabledStream(engine, write.table);
    if (!stream) continue;
    const record = buildRecord(
      { ...change, byService: write.byService },
      {
        keySchema: write.table.KeySchema,
        viewType: stream.viewType,
        sequenceNumber: engine.streams.nextSequenceNumber(),
        now,
        region: engine.streams.region,
      },
    );
    ops.push(engine.streams.recordOp(stream, record, now));
  }
  return engine.committer.commit(ops);
}

export interface SingleWriteOptions {
  /** ReturnValuesOnConditionCheckFailure: ALL_OLD puts the current item in the error. */
  returnItemOnConditionFailure?: boolean;
}

/** PutItem, UpdateItem or DeleteItem on a validated request (`target` when already resolved). */
export async function writeItem(
  engine: Engine,
  action: WriteAction,
  data: Record<string, unknown>,
  options: SingleWriteOptions = {},
  resolved?: Target,
): Promise<Record<string, unknown>> {
  const isPut = action === 'putItem';
  const key = (isPut ? data.Item : data.Key) as Item;
  const target = resolved ?? (await resolveTarget(engine.store, data.TableName as string, key, isPut));
  const release = await engine.locks.acquire([itemLockKey(target.table.TableName, target.itemKey)]);
  try {
    const oldItem = await readItem(engine.store, target.table.TableName, target.itemKey);
    let planned;
    try {
      planned = await planWrite(engine.store, action, data, target, oldItem);
    } catch (error) {
      // A write whose condition is false still consumes capacity, so it can be throttled instead.
      if (engine.throughput && isConditionFailure(error)) {
        const charges = failedConditionCharges({ table: target.table, key, existing: oldItem, newItem: isPut ? key : undefined });
        engine.throughput.admitOrThrow({ table: target.table, access: 'write', charges });
      }
      throw withItemOnConditionFailure(error, oldItem, options.returnItemOnConditionFailure);
    }
    let charges: Charge[] | undefined;
    if (engine.throughput) {
      charges = writeCharges({ table: target.table, key, oldItem, newItem: planned.write.newItem });
      engine.throughput.admitOrThrow({ table: target.table, access: 'write', charges });
    }
    await commitWrites(engine, [planned.write]);
    return charges ? withCapacity(planned.response, target.table.TableName, charges, data.ReturnConsumedCapacity) : planned.response;
  } finally {
    release();
  }
}

/** `response` with the ConsumedCapacity of `charges` (what the throughput limits charged) in place of dynalite's. */
export function withCapacity(
  response: Record<string, unknown>,
  tableName: string,
  charges: readonly Charge[],
  requested: unknown,
): Record<string, unknown> {
  const { ConsumedCapacity: _dynalite, ...rest } = response;
  const consumed = reportCapacity(tableName, charges, requested);
  return consumed ? { ...rest, ConsumedCapacity: consumed } : rest;
}

/** dynalite's ConditionalCheckFailedException, with `Item` when ALL_OLD asked for it. */
export function withItemOnConditionFailure(error: unknown, oldItem: Item | undefined, returnItem: boolean | undefined): unknown {
  if (!returnItem || !oldItem || !isApiError(error) || errorName(error) !== 'ConditionalCheckFailedException') return error;
  return conditionalCheckFailed(oldItem);
}

export function isConditionFailure(error: unknown): error is ApiError {
  return isApiError(error) && errorName(error) === 'ConditionalCheckFailedException';
}
