// PutItem, UpdateItem, DeleteItem and BatchWriteItem: dynalite's validation, then our
// write path (writes.ts), so that every change is ordered and recorded in the stream.
import { db, dynaliteValidation, getTable, validateRequest } from './dynalite.js';
import type { Item } from './dynalite.js';
import type { Engine } from './engine.js';
import { isApiError, validationError } from './errors.js';
import { wantsItemOnConditionFailure, withReturnValuesOnConditionCheckFailure } from './return-values.js';
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
 * Nothing is ever left unprocessed locally.
 */
export const batchWriteItem: Handler = async (engine, request) => {
  const data = validateRequest(request, batchWriteSpec, engine.store);
  const requestItems = data.RequestItems as Record<string, WriteRequest[]>;
  const writes: { action: WriteAction; data: Record<string, unknown>; target: Target }[] = [];
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
        const options = {
          TableName: tableName,
          ...(data.ReturnConsumedCapacity ? { ReturnConsumedCapacity: data.ReturnConsumedCapacity } : {}),
        };
        writes.push({
          action: isPut ? 'putItem' : 'deleteItem',
          data: { ...options, ...(isPut ? { Item: keyOrItem } : { Key: keyOrItem }) },
          target: { table, itemKey },
        });
      }
    }
  } catch (error) {
    // BatchWriteItem words key errors differently from PutItem (as dynalite knows).
    const message = isApiError(error) ? (error.body.message ?? '') : '';
    if (/Missing the key|Type mismatch for key/.test(message)) throw validationError('The provided key element does not match the schema');
    throw error;
  }
  const responses = await Promise.all(writes.map((write) => writeItem(engine, write.action, write.data, {}, write.target)));
  const response: Record<string, unknown> = { UnprocessedItems: {} };
  if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') {
    const units = new Map<string, number>();
    for (const { ConsumedCapacity } of responses as { ConsumedCapacity: { TableName: string; CapacityUnits: number } }[]) {
      units.set(ConsumedCapacity.TableName, (units.get(ConsumedCapacity.TableName) ?? 0) + ConsumedCapacity.CapacityUnits);
    }
    response.ConsumedCapacity = [...units].map(([TableName, CapacityUnits]) => ({
      CapacityUnits,
      TableName,
      ...(data.ReturnConsumedCapacity === 'INDEXES' ? { Table: { CapacityUnits } } : {}),
    }));
  }
  return response;
};
