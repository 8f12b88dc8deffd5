// PutItem, UpdateItem, DeleteItem and BatchWriteItem: dynalite's validation, then our
// write path (writes.ts), so that every change is ordered and recorded in the stream.
import { db, dynaliteValidation, getTable, validateRequest } from './dynalite.js';
import type { Item } from './dynalite.js';
import type { Engine } from './engine.js';
import { isApiError, isThrottlingError, throttlingError, throttlingReasonsOf, validationError } from './errors.js';
import { wantsItemOnConditionFailure, withReturnValuesOnConditionCheckFailure } from './return-values.js';
import { chargesOf, reportCapacity } from './throughput/capacity.js';
import type { Charge, ReportedCapacity } from './throughput/capacity.js';
import { writeItem } from './writes.js';
import type { Target, WriteAction } from './writes.js';

/** A response already serialised (GetRecords sends stored record texts as they are). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type Handler = (engine: Engine, request: Record<string, unknown>) => Promise<Record<string, unknown> | RawJson>;

function singleWrite(action: WriteAction): Handler {
  const spec = withReturnValuesOnConditionCheckFailure(dynaliteValidation(action));
  return async (engine, request) => {
    const data = validateRequest(request, spec, engine.store);
    return writeItem(engine, action, data, { returnItemOnConditionFailure: wantsItemOnConditionFailure(data) });
  };
}

export const putItem = singleWrite('putItem');
export const updateItem = singleWrite('updateItem');
export const deleteItem = singleWrite('deleteItem');

const batchWriteSpec = dynaliteValidation('batchWriteItem');

interface WriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

/**
 * Validates every request (tables, keys, duplicates) before writing any, as DynamoDB
 * does, then writes them concurrently; each is its own change with its own record.
 * With the throughput limits on, the writes they throttle come back in UnprocessedItems,
 * and the request fails with the throttling exception only when all of them were.
 */
export const batchWriteItem: Handler = async (engine, request) => {
  const data = validateRequest(request, batchWriteSpec, engine.store);
  const requestItems = data.RequestItems as Record<string, WriteRequest[]>;
  const writes: { action: WriteAction; data: Record<string, unknown>; target: Target; request: WriteRequest }[] = [];
  const wantsCapacity = data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
  try {
    for (const [tableName, requests] of Object.entries(requestItems)) {
      const table = await getTable(engine.store, tableName, true);
      const seen = new Set<string>();
      for (const writeRequest of requests) {
        const isPut = !!writeRequest.PutRequest;
        const keyOrItem = isPut ? writeRequest.PutRequest!.Item : writeRequest.DeleteRequest!.Key;
        const invalid = isPut ? db.validateItem(keyOrItem, table) : db.validateKey(keyOrItem, table);
        if (invalid) throw invalid;
        const itemKey = db.createKey(keyOrItem, table);
        if (seen.has(itemKey)) throw validationError('Provided list of item keys contains duplicates');
        seen.add(itemKey);
        const options = { TableName: tableName, ...(wantsCapacity ? { ReturnConsumedCapacity: 'INDEXES' } : {}) };
        writes.push({
          action: isPut ? 'putItem' : 'deleteItem',
          data: { ...options, ...(isPut ? { Item: keyOrItem } : { Key: keyOrItem }) },
          target: { table, itemKey },
          request: writeRequest,
        });
      }
    }
  } catch (error) {
    // BatchWriteItem words key errors differently from PutItem (as dynalite knows).
    const message = isApiError(error) ? (error.body.message ?? '') : '';
    if (/Missing the key|Type mismatch for key/.test(message)) throw validationError('The provided key element does not match the schema');
    throw error;
  }
  const outcomes = await Promise.all(
    writes.map((write) =>
      writeItem(engine, write.action, write.data, {}, write.target).then(
        (response) => ({ write, response }),
        (error: unknown) => {
          if (isThrottlingError(error)) return { write, throttled: error };
          throw error;
        },
      ),
    ),
  );
  const throttled = outcomes.flatMap((outcome) => ('throttled' in outcome ? [outcome] : []));
  if (throttled.length && throttled.length === outcomes.length) {
    const reasons = new Map(throttled.flatMap(({ throttled: error }) => throttlingReasonsOf(error)).map((r) => [r.reason + r.resource, r]));
    throw throttlingError(throttled[0]!.throttled.name === 'ThrottlingException', [...reasons.values()]);
  }
  const unprocessed: Record<string, WriteRequest[]> = {};
  for (const { write } of throttled) (unprocessed[write.target.table.TableName] ??= []).push(write.request);
  const response: Record<string, unknown> = { UnprocessedItems: unprocessed };
  if (wantsCapacity) {
    const charges = new Map<string, Charge[]>();
    for (const outcome of outcomes) {
      if (!('response' in outcome)) continue;
      const tableName = outcome.write.target.table.TableName;
      charges.set(tableName, [...(charges.get(tableName) ?? []), ...chargesOf(outcome.response.ConsumedCapacity as ReportedCapacity)]);
    }
    response.ConsumedCapacity = [...charges].map(([tableName, ofTable]) => reportCapacity(tableName, ofTable, data.ReturnConsumedCapacity));
  }
  return response;
};
