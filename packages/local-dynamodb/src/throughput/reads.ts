// GetItem, Query, Scan and BatchGetItem when the throughput limits are on. Without the
// limits the front hands them to dynalite untouched (front.ts); with them, they run here:
// dynalite's own validation and action, in process, then the units it reports for the
// read are charged to the partition key's budget (limits.ts), and a read the budget cannot
// take is answered with DynamoDB's throttling exception instead of its result. The
// ConsumedCapacity a client asks for is the one charged.
import { db, dynaliteAction, dynaliteValidation, getTable, runAction, validateRequest } from '../dynalite.js';
import type { AttributeValue, Item, TableRecord } from '../dynalite.js';
import { throttlingError } from '../errors.js';
import type { ThrottlingReason } from '../errors.js';
import type { Handler } from '../items.js';
import { readItem, withCapacity } from '../writes.js';
import { chargesOf, findIndex, hashKeyName, readUnits } from './capacity.js';
import type { Charge, ReportedCapacity } from './capacity.js';
import { isOnDemand } from './limits.js';

type ReadName = 'getItem' | 'query' | 'scan';

/** The partition key value a validated read targets; none for a Scan. */
function partitionKeyOf(name: ReadName, data: Record<string, unknown>, table: TableRecord): AttributeValue | undefined {
  if (name === 'getItem') return (data.Key as Item)[hashKeyName(table.KeySchema)];
  if (name === 'scan') return undefined;
  const keySchema = data.IndexName ? findIndex(table, data.IndexName as string)!.definition.KeySchema : table.KeySchema;
  // dynalite's validation turns a KeyConditionExpression into KeyConditions.
  const conditions = data.KeyConditions as Record<string, { AttributeValueList: AttributeValue[] }>;
  return conditions[hashKeyName(keySchema)]!.AttributeValueList[0];
}

/**
 * The charges of one read from dynalite's ConsumedCapacity. A Query or Scan that reads
 * nothing still costs one unit (half when eventually consistent): "you'll still be charged
 * additional read throughput based on read consistency and the number of partitions
 * searched to serve the request, even if no data exists" (read-write-operations.html).
 */
function readCharges(
  data: Record<string, unknown>,
  table: TableRecord,
  consumed: ReportedCapacity,
  partitionKey?: AttributeValue,
): Charge[] {
  const charges = chargesOf(consumed, partitionKey);
  if (charges.length) return charges;
  const index = data.IndexName ? findIndex(table, data.IndexName as string)?.ref : undefined;
  return [{ units: data.ConsistentRead ? 1 : 0.5, ...(index ? { index } : {}), partitionKey }];
}

function throttledRead(name: ReadName): Handler {
  const spec = dynaliteValidation(name);
  const action = dynaliteAction(name);
  return async (engine, request) => {
    const data = validateRequest(request, spec, engine.store);
    const response = await runAction(action, engine.store, { ...data, ReturnConsumedCapacity: 'INDEXES' });
    const table = await getTable(engine.store, data.TableName as string, false);
    const charges = readCharges(data, table, response.ConsumedCapacity as ReportedCapacity, partitionKeyOf(name, data, table));
    engine.throughput!.admitOrThrow({ table, access: 'read', charges });
    return withCapacity(response, table.TableName, charges, data.ReturnConsumedCapacity);
  };
}

export const getItem = throttledRead('getItem');
export const query = throttledRead('query');
export const scan = throttledRead('scan');

interface KeysAndAttributes {
  Keys: Item[];
  ConsistentRead?: boolean;
  [member: string]: unknown;
}

const batchGetItemSpec = dynaliteValidation('batchGetItem');
const batchGetItemAction = dynaliteAction('batchGetItem');

/**
 * Each key is charged on its own (each is "an individual GetItem request"): the keys their
 * partition's budget refuses come back in UnprocessedKeys, and the request fails with the
 * throttling exception only when all of them were refused. The others are read by
 * dynalite's batchGetItem, whose response (and ConsumedCapacity) is returned as it is.
 */
export const batchGetItem: Handler = async (engine, request) => {
  const data = validateRequest(request, batchGetItemSpec, engine.store);
  const raw = request.RequestItems as Record<string, KeysAndAttributes>;
  const admitted: Record<string, KeysAndAttributes> = {};
  const unprocessed: Record<string, KeysAndAttributes> = {};
  let refusal: { table: TableRecord; reasons: ThrottlingReason[] } | undefined;
  for (const [tableName, keys] of Object.entries(data.RequestItems as Record<string, KeysAndAttributes>)) {
    const table = await getTable(engine.store, tableName, true);
    for (const key of keys.Keys) {
      const invalid = db.validateKey(key, table);
      if (invalid) throw invalid;
      const item = await readItem(engine.store, tableName, db.createKey(key, table));
      const charges = [{ units: readUnits(item, !!keys.ConsistentRead), partitionKey: key[hashKeyName(table.KeySchema)] }];
      const reasons = engine.throughput!.admit([{ table, access: 'read', charges }])?.[0];
      if (reasons) refusal ??= { table, reasons };
      const into = reasons ? unprocessed : admitted;
      (into[tableName] ??= { ...(reasons ? raw[tableName] : keys), Keys: [] }).Keys.push(key);
    }
  }
  if (!Object.keys(admitted).length) throw throttlingError(isOnDemand(refusal!.table), refusal!.reasons);
  const response = await runAction(batchGetItemAction, engine.store, { ...data, RequestItems: admitted });
  const leftOver = response.UnprocessedKeys as Record<string, KeysAndAttributes>;
  for (const [tableName, keys] of Object.entries(leftOver)) (unprocessed[tableName] ??= { ...keys, Keys: [] }).Keys.push(...keys.Keys);
  return { ...response, UnprocessedKeys: unprocessed };
};

/** The reads the front routes here when the limits are on. */
export const throttledReads: Record<string, Handler> = { GetItem: getItem, Query: query, Scan: scan, BatchGetItem: batchGetItem };
