// TransactWriteItems and TransactGetItems.
//
// Validation reuses dynalite's request shapes for the single-item operations, nested
// under `transactItems.N.member.<action>`, so that errors read as DynamoDB's do
// ("Value null at 'transactItems.1.member.put.item' failed to satisfy constraint...").
//
// A write transaction takes the locks of all its items (in one sorted order: no
// deadlocks), plans every action against the current items with dynalite's own logic
// (writes.ts), and either cancels with one reason per action, in request order, or
// commits every change, index entry and stream record in one atomic batch. With the
// throughput limits on, the planned transaction is charged before it commits, at twice
// the units of each item, and cancelled with a throttling reason for each item a budget
// refuses (throughput/limits.ts).
import { createHash } from 'node:crypto';
import { db, dynaliteValidation, getTable, validateRequest } from './dynalite.js';
import type { Item, ValidationSpec } from './dynalite.js';
import type { Engine } from './engine.js';
import {
  errorName,
  idempotentParameterMismatch,
  isApiError,
  throttledCancellation,
  transactionCanceled,
  transactionInProgress,
  validationError,
} from './errors.js';
import type { CancellationReason } from './errors.js';
import type { Handler } from './items.js';
import { itemLockKey } from './locks.js';
import { RETURN_VALUES_ON_CONDITION_CHECK_FAILURE, wantsItemOnConditionFailure } from './return-values.js';
import {
  conditionCheckCharges,
  failedConditionCharges,
  hashKeyName,
  readUnits,
  reportCapacity,
  writeCharges,
} from './throughput/capacity.js';
import type { Charge } from './throughput/capacity.js';
import { isOnDemand } from './throughput/limits.js';
import type { Demand } from './throughput/limits.js';
import { commitWrites, isConditionFailure, planWrite, readItem } from './writes.js';
import type { PlannedWrite, Target, WriteAction } from './writes.js';

/** DynamoDB keeps a ClientRequestToken for 10 minutes. */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
/** The aggregate size of the items in one transaction. */
const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

type TransactAction = 'ConditionCheck' | 'Put' | 'Update' | 'Delete';

/** Members of a dynalite request shape, the `required` ones made `notNull`. */
function members(spec: ValidationSpec, names: readonly string[], required: readonly string[]): Record<string, unknown> {
  const types = spec.types as Record<string, Record<string, unknown> | string>;
  return Object.fromEntries(
    names.map((name) => {
      const type = types[name] ?? { type: 'String', enum: ['ALL_OLD', 'NONE'] };
      const object: Record<string, unknown> = typeof type === 'string' ? { type } : { ...type };
      if (required.includes(name)) object.notNull = true;
      return [name, object];
    }),
  );
}

const EXPRESSION_MEMBERS = ['ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues'] as const;
const putSpec = dynaliteValidation('putItem');
const updateSpec = dynaliteValidation('updateItem');
const deleteSpec = dynaliteValidation('deleteItem');
const getSpec = dynaliteValidation('getItem');

/** Per action: its nested shape, dynalite's checks for it, and the write it runs. */
const ACTIONS: Record<TransactAction, { types: Record<string, unknown>; spec: ValidationSpec; write?: WriteAction }> = {
  ConditionCheck: {
    types: members(
      deleteSpec,
      ['TableName', 'Key', ...EXPRESSION_MEMBERS, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE],
      ['TableName', 'Key', 'ConditionExpression'],
    ),
    spec: deleteSpec,
  },
  Put: {
    types: members(putSpec, ['TableName', 'Item', ...EXPRESSION_MEMBERS, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE], ['TableName', 'Item']),
    spec: putSpec,
    write: 'putItem',
  },
  Update: {
    types: members(
      updateSpec,
      ['TableName', 'Key', 'UpdateExpression', ...EXPRESSION_MEMBERS, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE],
      ['TableName', 'Key', 'UpdateExpression'],
    ),
    spec: updateSpec,
    write: 'updateItem',
  },
  Delete: {
    types: members(deleteSpec, ['TableName', 'Key', ...EXPRESSION_MEMBERS, RETURN_VALUES_ON_CONDITION_CHECK_FAILURE], ['TableName', 'Key']),
    spec: deleteSpec,
    write: 'deleteItem',
  },
};
const ACTION_NAMES = Object.keys(ACTIONS) as TransactAction[];

const transactWriteSpec: ValidationSpec = {
  types: {
    TransactItems: {
      type: 'List',
      notNull: true,
      lengthGreaterThanOrEqual: 1,
      lengthLessThanOrEqual: 100,
      children: {
        type: 'ValueStruct<TransactWriteItem>',
        children: Object.fromEntries(ACTION_NAMES.map((name) => [name, { type: `FieldStruct<${name}>`, children: ACTIONS[name].types }])),
      },
    },
    ReturnConsumedCapacity: { type: 'String', enum: ['INDEXES', 'TOTAL', 'NONE'] },
    ReturnItemCollectionMetrics: { type: 'String', enum: ['SIZE', 'NONE'] },
    ClientRequestToken: { type: 'String', lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 36 },
  },
};

const transactGetSpec: ValidationSpec = {
  types: {
    TransactItems: {
      type: 'List',
      notNull: true,
      lengthGreaterThanOrEqual: 1,
      lengthLessThanOrEqual: 100,
      children: {
        type: 'ValueStruct<TransactGetItem>',
        children: {
          Get: {
            type: 'FieldStruct<Get>',
            notNull: true,
            children: members(getSpec, ['TableName', 'Key', 'ProjectionExpression', 'ExpressionAttributeNames'], ['TableName', 'Key']),
          },
        },
      },
    },
    ReturnConsumedCapacity: { type: 'String', enum: ['INDEXES', 'TOTAL', 'NONE'] },
  },
};

interface Operation {
  action: TransactAction | 'Get';
  data: Record<string, unknown>;
  target: Target;
}

/** Runs dynalite's per-action checks (expressions, values) on each element, in order. */
function checkElements(
  engine: Engine,
  elements: Record<string, Record<string, unknown>>[],
  kinds: readonly (TransactAction | 'Get')[],
): { action: TransactAction | 'Get'; data: Record<string, unknown> }[] {
  return elements.map((element) => {
    const present = kinds.filter((kind) => element[kind]);
    if (present.length !== 1) throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
    const action = present[0]!;
    const data = element[action]!;
    const spec = action === 'Get' ? getSpec : ACTIONS[action].spec;
    const message = spec.custom?.(data, engine.store);
    if (message) throw validationError(message);
    return { action, data };
  });
}

/** Tables, keys and the one-action-per-item rule, checked before any lock is taken. */
async function resolveOperations(
  engine: Engine,
  checked: { action: TransactAction | 'Get'; data: Record<string, unknown> }[],
): Promise<Operation[]> {
  const operations: Operation[] = [];
  const seen = new Set<string>();
  let bytes = 0;
  for (const { action, data } of checked) {
    const table = await getTable(engine.store, data.TableName as string, true);
    const keyOrItem = (action === 'Put' ? data.Item : data.Key) as Item;
    const invalid =
      (action === 'Put' ? db.validateItem(keyOrItem, table) : db.validateKey(keyOrItem, table)) ??
      (action === 'Update' ? db.validateUpdates(data.AttributeUpdates, data._updates, table) : undefined);
    if (invalid) throw invalid;
    const itemKey = db.createKey(keyOrItem, table);
    const lockKey = itemLockKey(table.TableName, itemKey);
    if (seen.has(lockKey)) throw validationError('Transaction request cannot include multiple operations on one item');
    seen.add(lockKey);
    bytes += db.itemSize(keyOrItem);
    operations.push({ action, data, target: { table, itemKey } });
  }
  if (bytes > MAX_TRANSACTION_BYTES) throw validationError('Transaction request cannot be larger than 4 MB');
  return operations;
}

/** A stable digest of a request, whatever the order of its members. */
function digest(value: unknown): string {
  const canonical = (node: unknown): unknown =>
    Array.isArray(node)
      ? node.map(canonical)
      : node && typeof node === 'object'
        ? Object.fromEntries(
            Object.keys(node)
              .sort()
              .map((key) => [key, canonical((node as Record<string, unknown>)[key])]),
          )
        : node;
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/**
 * ConsumedCapacity per table of a transaction's `demands`. Without the throughput limits
 * the engine reports the table's units only, as it always has (the index writes are
 * reported, and charged, when the limits are on).
 */
function consumedCapacity(engine: Engine, requested: unknown, demands: readonly Demand[]): Record<string, unknown> {
  if (requested !== 'TOTAL' && requested !== 'INDEXES') return {};
  const byTable = new Map<string, Charge[]>();
  for (const { table, charges } of demands) {
    const reported = engine.throughput ? charges : charges.filter((charge) => !charge.index);
    byTable.set(table.TableName, [...(byTable.get(table.TableName) ?? []), ...reported]);
  }
  return { ConsumedCapacity: [...byTable].map(([tableName, charges]) => reportCapacity(tableName, charges, requested)) };
}

/**
 * With the throughput limits on, admits the transaction's demands or cancels it: a
 * ThrottlingError (or ProvisionedThroughputExceeded) reason for each throttled item, None
 * for the others.
 */
function admitTransaction(engine: Engine, demands: readonly Demand[]): void {
  const refused = engine.throughput?.admit(demands);
  if (!refused) return;
  throw transactionCanceled(
    refused.map((reasons, index) => (reasons ? throttledCancellation(isOnDemand(demands[index]!.table), reasons) : { Code: 'None' })),
  );
}

/** What one action of TransactWriteItems consumes (throughput/capacity.ts). */
function operationCharges(operation: Operation, oldItem: Item | undefined, reason: CancellationReason, write?: PlannedWrite): Charge[] {
  const { table } = operation.target;
  const key = (operation.action === 'Put' ? operation.data.Item : operation.data.Key) as Item;
  if (operation.action === 'ConditionCheck') return conditionCheckCharges(table, key, oldItem);
  if (write) return writeCharges({ table, key, oldItem, newItem: write.newItem, transactional: true });
  if (reason.Code !== 'ConditionalCheckFailed') return [];
  return failedConditionCharges({
    table,
    key,
    existing: oldItem,
    newItem: operation.action === 'Put' ? key : undefined,
    transactional: true,
  });
}

export const transactWriteItems: Handler = async (engine, request) => {
  const requestDigest = digest(request);
  const data = validateRequest(request, transactWriteSpec, engine.store);
  const checked = checkElements(engine, data.TransactItems as Record<string, Record<string, unknown>>[], ACTION_NAMES);
  const operations = await resolveOperations(engine, checked);

  const token = data.ClientRequestToken as string | undefined;
  const now = engine.clock();
  for (const [key, entry] of engine.idempotency) {
    if (now - entry.at < IDEMPOTENCY_WINDOW_MS) break; // oldest first: the rest are younger
    engine.idempotency.delete(key);
  }
  if (token) {
    const previous = engine.idempotency.get(token);
    if (previous) {
      if (previous.hash !== requestDigest) throw idempotentParameterMismatch();
      return previous.response;
    }
    if (engine.inFlightTokens.has(token)) throw transactionInProgress();
    engine.inFlightTokens.add(token);
  }

  try {
    const release = await engine.locks.acquire(operations.map(({ target }) => itemLockKey(target.table.TableName, target.itemKey)));
    let response: Record<string, unknown>;
    try {
      const oldItems = await Promise.all(operations.map(({ target }) => readItem(engine.store, target.table.TableName, target.itemKey)));
      const reasons: CancellationReason[] = [];
      const writes: PlannedWrite[] = [];
      const demands: Demand[] = [];
      for (const [index, operation] of operations.entries()) {
        const oldItem = oldItems[index];
        const { reason, write } = await planOperation(engine, operation, oldItem);
        reasons.push(reason);
        if (write) writes.push(write);
        demands.push({ table: operation.target.table, access: 'write', charges: operationCharges(operation, oldItem, reason, write) });
      }
      // Throttling comes first: a transaction cancelled by a condition has still consumed.
      admitTransaction(engine, demands);
      if (reasons.some((reason) => reason.Code !== 'None')) throw transactionCanceled(reasons);
      await commitWrites(engine, writes);
      response = consumedCapacity(engine, data.ReturnConsumedCapacity, demands);
    } finally {
      release();
    }
    if (token) engine.idempotency.set(token, { hash: requestDigest, at: engine.clock(), response });
    return response;
  } finally {
    if (token) engine.inFlightTokens.delete(token);
  }
};

/** Plans one action: its cancellation reason (`None` when it would succeed) and its write. */
async function planOperation(
  engine: Engine,
  operation: Operation,
  oldItem: Item | undefined,
): Promise<{ reason: CancellationReason; write?: PlannedWrite }> {
  const { action, data, target } = operation;
  const none = { Code: 'None' };
  const conditionFailed = (): { reason: CancellationReason } => ({
    reason: {
      Code: 'ConditionalCheckFailed',
      Message: 'The conditional request failed',
      ...(wantsItemOnConditionFailure(data) && oldItem ? { Item: oldItem } : {}),
    },
  });
  if (action === 'ConditionCheck') return db.checkConditional(data, oldItem) ? conditionFailed() : { reason: none };
  try {
    const { write } = await planWrite(engine.store, ACTIONS[action as TransactAction].write!, data, target, oldItem);
    return { reason: none, write };
  } catch (error) {
    if (isConditionFailure(error)) return conditionFailed();
    // What only shows when applied (an operand of the wrong type, an item grown too
    // large) cancels the transaction rather than failing the request.
    if (isApiError(error) && errorName(error) === 'ValidationException')
      return { reason: { Code: 'ValidationError', Message: error.body.message ?? '' } };
    throw error;
  }
}

export const transactGetItems: Handler = async (engine, request) => {
  const data = validateRequest(request, transactGetSpec, engine.store);
  const checked = checkElements(engine, data.TransactItems as Record<string, Record<string, unknown>>[], ['Get']);
  const operations = await resolveOperations(engine, checked);
  // The locks make the reads one snapshot: no transaction commits half-way through them.
  const release = await engine.locks.acquire(operations.map(({ target }) => itemLockKey(target.table.TableName, target.itemKey)));
  let items: (Item | undefined)[];
  try {
    items = await Promise.all(operations.map(({ target }) => readItem(engine.store, target.table.TableName, target.itemKey)));
  } finally {
    release();
  }
  const demands = operations.map(({ data: get, target: { table } }, index): Demand => {
    const partitionKey = (get.Key as Item)[hashKeyName(table.KeySchema)];
    return { table, access: 'read', charges: [{ units: 2 * readUnits(items[index], true), partitionKey }] };
  });
  admitTransaction(engine, demands);
  const responses = operations.map(({ data: get }, index) => {
    const item = items[index];
    if (!item) return {};
    const projection = get._projection as { paths: unknown[] } | undefined;
    return { Item: projection ? db.mapPaths(projection.paths, item) : item };
  });
  return { Responses: responses, ...consumedCapacity(engine, data.ReturnConsumedCapacity, demands) };
};
