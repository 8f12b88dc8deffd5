// What a request consumes, in DynamoDB's capacity units, split by where it lands: the
// table (and its local secondary indexes, which live in the table's partitions) or one
// global secondary index, and by partition key value. The throughput limits (limits.ts)
// charge these figures to their budgets, and ReturnConsumedCapacity reports the same ones.
//
// From "DynamoDB read and write operations" (developerguide/read-write-operations.html):
//   - reads: 4 KB units, strongly consistent 1 unit, eventually consistent 0.5, transactional
//     2; an item that does not exist still costs one unit; BatchGetItem rounds each item,
//     Query rounds the sum of the items it reads;
//   - writes: 1 KB units, transactional 2; PutItem and UpdateItem take the larger of the item
//     before and after, DeleteItem the deleted item; a conditional write whose condition is
//     false still consumes, for the larger of the existing item and the one attempted.
// From "Global secondary indexes: provisioned throughput considerations" (GSI.html) and the
// same section for LSIs (LSI.html): a write puts the item into an index it enters, deletes it
// from one it leaves, rewrites it when only projected attributes change, and costs two
// writes (a delete and a put) when it changes an index key; an item in no index before or
// after costs the index nothing. Each index write is sized by the index entry (its keys,
// the table's keys and the projected attributes).
//
// Not settled by the documentation, chosen here: index entries are sized without the 100
// bytes of overhead the storage sections add; a transaction doubles the table write of each
// item (prepare and commit) but not its index writes, which DynamoDB applies after the
// commit; a ConditionCheck costs one unit per 4 KB of the item checked (as this engine
// reported it before the limits existed) and is charged as a write; an UpdateItem whose
// condition fails is charged for the existing item (the update is never applied, so the
// item it would have made is not known).
import { isDeepStrictEqual } from 'node:util';
import { db } from '../dynalite.js';
import type { AttributeValue, Item, KeySchemaElement, TableRecord } from '../dynalite.js';

export interface IndexDefinition {
  IndexName: string;
  IndexArn?: string;
  KeySchema: KeySchemaElement[];
  Projection: { ProjectionType?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  ProvisionedThroughput?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number };
}

/** Where units land: the table itself, or one of its indexes. */
export interface IndexRef {
  name: string;
  /** Local secondary indexes share the table's partitions (and its budget). */
  local: boolean;
}

export interface Charge {
  units: number;
  index?: IndexRef;
  /** The partition key value the units go to; none for a Scan, which reads across partitions. */
  partitionKey?: AttributeValue;
}

export const KB = 1024;

const globalIndexes = (table: TableRecord): IndexDefinition[] => (table.GlobalSecondaryIndexes as IndexDefinition[] | undefined) ?? [];
const localIndexes = (table: TableRecord): IndexDefinition[] => (table.LocalSecondaryIndexes as IndexDefinition[] | undefined) ?? [];

export function findIndex(table: TableRecord, name: string): { definition: IndexDefinition; ref: IndexRef } | undefined {
  const global = globalIndexes(table).find((index) => index.IndexName === name);
  if (global) return { definition: global, ref: { name, local: false } };
  const local = localIndexes(table).find((index) => index.IndexName === name);
  return local ? { definition: local, ref: { name, local: true } } : undefined;
}

export const hashKeyName = (keySchema: readonly KeySchemaElement[]): string =>
  keySchema.find((key) => key.KeyType === 'HASH')!.AttributeName;

/** Write units of one item: 1 KB each, at least one (a missing item costs one too). */
export const writeUnits = (item: Item | undefined): number => (item ? Math.max(1, Math.ceil(db.itemSize(item) / KB)) : 1);

/** Read units of one item read on its own (GetItem, each key of BatchGetItem, TransactGetItems). */
export function readUnits(item: Item | undefined, consistent: boolean): number {
  const units = item ? Math.max(1, Math.ceil(db.itemSize(item) / (4 * KB))) : 1;
  return consistent ? units : units / 2;
}

/** The index entry of `item`: undefined when the item lacks one of the index's key attributes (a sparse index). */
function indexEntry(table: TableRecord, index: IndexDefinition, item: Item | undefined): Item | undefined {
  if (!item || index.KeySchema.some((key) => item[key.AttributeName] === undefined)) return undefined;
  if (index.Projection.ProjectionType === 'ALL' || !index.Projection.ProjectionType) return item;
  const names = [...index.KeySchema, ...table.KeySchema].map((key) => key.AttributeName).concat(index.Projection.NonKeyAttributes ?? []);
  const entry: Item = {};
  for (const name of names) if (item[name] !== undefined) entry[name] = item[name];
  return entry;
}

const sameKey = (keySchema: readonly KeySchemaElement[], a: Item, b: Item): boolean =>
  keySchema.every((key) => isDeepStrictEqual(a[key.AttributeName], b[key.AttributeName]));

/** Index writes of one item change, per the GSI/LSI documentation (see the top of this file). */
function indexCharges(table: TableRecord, index: IndexDefinition, ref: IndexRef, oldItem?: Item, newItem?: Item): Charge[] {
  const before = indexEntry(table, index, oldItem);
  const after = indexEntry(table, index, newItem);
  const hash = hashKeyName(index.KeySchema);
  const put = (entry: Item): Charge => ({ units: writeUnits(entry), index: ref, partitionKey: entry[hash] });
  if (before && after) {
    if (!sameKey(index.KeySchema, before, after)) return [put(before), put(after)];
    if (isDeepStrictEqual(before, after)) return [];
    return [{ units: Math.max(writeUnits(before), writeUnits(after)), index: ref, partitionKey: after[hash] }];
  }
  if (before) return [put(before)];
  return after ? [put(after)] : [];
}

export interface WriteChange {
  table: TableRecord;
  /** The item's primary key (the partition its table write lands in). */
  key: Item;
  oldItem?: Item;
  /** The item after the write; undefined for a delete. */
  newItem?: Item;
  /** TransactWriteItems: the table write costs twice (prepare and commit). */
  transactional?: boolean;
}

/** Units a write consumes in its table and in every index it changes. */
export function writeCharges(change: WriteChange): Charge[] {
  const { table, key, oldItem, newItem } = change;
  const units = Math.max(writeUnits(oldItem), writeUnits(newItem)) * (change.transactional ? 2 : 1);
  const charges: Charge[] = [{ units, partitionKey: key[hashKeyName(table.KeySchema)] }];
  for (const index of globalIndexes(table))
    charges.push(...indexCharges(table, index, { name: index.IndexName, local: false }, oldItem, newItem));
  for (const index of localIndexes(table))
    charges.push(...indexCharges(table, index, { name: index.IndexName, local: true }, oldItem, newItem));
  return charges;
}

/** A PutItem, UpdateItem or DeleteItem whose condition was false: the table write only. */
export function failedConditionCharges(change: Omit<WriteChange, 'oldItem'> & { existing: Item | undefined }): Charge[] {
  const units = Math.max(writeUnits(change.existing), change.newItem ? writeUnits(change.newItem) : 0);
  return [{ units: units * (change.transactional ? 2 : 1), partitionKey: change.key[hashKeyName(change.table.KeySchema)] }];
}

/** A ConditionCheck of TransactWriteItems (see the top of this file). */
export function conditionCheckCharges(table: TableRecord, key: Item, item: Item | undefined): Charge[] {
  return [{ units: 2 * readUnits(item, false), partitionKey: key[hashKeyName(table.KeySchema)] }];
}

/** dynalite's ConsumedCapacity with INDEXES, which it computes for GetItem, Query and Scan. */
export interface ReportedCapacity {
  CapacityUnits: number;
  Table?: { CapacityUnits: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits: number }>;
}

/** The charges behind a ConsumedCapacity (INDEXES) of one read, all in the partition `partitionKey`. */
export function chargesOf(consumed: ReportedCapacity, partitionKey?: AttributeValue): Charge[] {
  const charges: Charge[] = [{ units: consumed.Table?.CapacityUnits ?? consumed.CapacityUnits, partitionKey }];
  for (const [local, indexes] of [
    [false, consumed.GlobalSecondaryIndexes],
    [true, consumed.LocalSecondaryIndexes],
  ] as const) {
    for (const [name, { CapacityUnits }] of Object.entries(indexes ?? {}))
      charges.push({ units: CapacityUnits, index: { name, local }, partitionKey });
  }
  return charges.filter((charge) => charge.units > 0);
}

/** ConsumedCapacity as DynamoDB reports it for `ReturnConsumedCapacity` (undefined for NONE). */
export function reportCapacity(tableName: string, charges: readonly Charge[], requested: unknown): Record<string, unknown> | undefined {
  if (requested !== 'TOTAL' && requested !== 'INDEXES') return undefined;
  const total = charges.reduce((sum, charge) => sum + charge.units, 0);
  if (requested === 'TOTAL') return { TableName: tableName, CapacityUnits: total };
  const table = charges.filter((charge) => !charge.index).reduce((sum, charge) => sum + charge.units, 0);
  const byIndex = (local: boolean): Record<string, { CapacityUnits: number }> | undefined => {
    const units = new Map<string, number>();
    for (const { index, units: n } of charges) if (index?.local === local) units.set(index.name, (units.get(index.name) ?? 0) + n);
    return units.size ? Object.fromEntries([...units].map(([name, n]) => [name, { CapacityUnits: n }])) : undefined;
  };
  const globals = byIndex(false);
  const locals = byIndex(true);
  return {
    TableName: tableName,
    CapacityUnits: total,
    Table: { CapacityUnits: table },
    ...(globals ? { GlobalSecondaryIndexes: globals } : {}),
    ...(locals ? { LocalSecondaryIndexes: locals } : {}),
  };
}
