// Typed access to the parts of dynalite this package builds on. dynalite is CommonJS
// without types; typing it here rather than in an ambient .d.ts keeps packages that
// compile this source (the `source` condition) free of extra setup.
//
// We reuse dynalite's own request validation (so error messages stay DynamoDB's), its
// expression parsers and item helpers, and its action functions, which we call in
// process with a store of our own (see writes.ts) instead of over HTTP.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A DynamoDB attribute value in wire format (`{S: 'x'}`, `{N: '1'}`, `{M: {...}}`...). */
export type AttributeValue = Record<string, unknown>;
/** An item (or a key) in wire format. */
export type Item = Record<string, AttributeValue>;

export interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

/** dynalite's stored table record, which is also its TableDescription. */
export interface TableRecord {
  TableName: string;
  TableId: string;
  TableArn: string;
  TableStatus: string;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  [field: string]: unknown;
}

/** What dynalite's actions and validations throw or call back with. */
export interface DynaliteError extends Error {
  statusCode?: number;
  body?: { __type: string; message?: string; Message?: string };
}

export type Callback<T> = (error?: DynaliteError | null, result?: T) => void;

/** One of dynalite's prefixed views of its LevelDB store. */
export interface SubDb {
  get(key: string, cb: Callback<unknown>): void;
  put(key: string, value: unknown, cb: Callback<void>): void;
  del(key: string, cb: Callback<void>): void;
  lock(key: string, fn: (release: (cb: Callback<unknown>) => Callback<unknown>) => void): void;
}

export interface BatchOp {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
  /** The store's default is JSON; stream records are stored as text (see streams/store.ts). */
  valueEncoding?: 'utf8';
}

/** The abstract-level database under dynalite (MemoryLevel, or Level with a path). */
export interface MainDb {
  batch(ops: BatchOp[]): Promise<void>;
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
  del(key: string): Promise<void>;
  values(options: RangeOptions): { all(): Promise<unknown[]>; [Symbol.asyncIterator](): AsyncIterator<unknown>; close(): Promise<void> };
  iterator(options: RangeOptions): {
    all(): Promise<[string, unknown][]>;
    [Symbol.asyncIterator](): AsyncIterator<[string, unknown]>;
    close(): Promise<void>;
  };
  keys(options: RangeOptions): { all(): Promise<string[]> };
  close(): Promise<void>;
}

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  limit?: number;
  reverse?: boolean;
  valueEncoding?: 'utf8';
}

export interface Store {
  options: { maxItemSize: number; createTableMs: number; deleteTableMs: number; updateTableMs: number };
  db: MainDb;
  tableDb: SubDb & { awsAccountId: string; awsRegion: string };
  getItemDb(tableName: string): SubDb;
  getTable(name: string, checkStatus: boolean, cb: Callback<TableRecord>): void;
}

/** The request shape of one action, as dynalite validates it. */
export interface ValidationSpec {
  types: Record<string, unknown>;
  custom?: (data: Record<string, unknown>, store: Store) => string | undefined;
}

export type Action = (store: unknown, data: Record<string, unknown>, cb: Callback<Record<string, unknown>>) => void;

interface Condition {
  expression: unknown;
}

interface DbHelpers {
  create(options: Record<string, unknown>): Store;
  validateKey(key: Item, table: TableRecord): DynaliteError | undefined;
  validateItem(item: Item, table: TableRecord): DynaliteError | undefined;
  validateUpdates(attributeUpdates: unknown, updates: unknown, table: TableRecord): DynaliteError | undefined;
  createKey(item: Item, table: TableRecord): string;
  checkConditional(
    data: { _condition?: Condition; Expected?: unknown; ConditionalOperator?: unknown },
    item: Item | undefined,
  ): DynaliteError | null | undefined;
  itemSize(item: Item): number;
  mapPaths(paths: unknown[], item: Item): Item;
  validationError(message: string): DynaliteError;
  addConsumedCapacity(data: Record<string, unknown>, isRead: boolean, newItem?: Item, oldItem?: Item): Record<string, unknown> | undefined;
}

interface ValidationHelpers {
  checkTypes(data: Record<string, unknown>, types: Record<string, unknown>): Record<string, unknown>;
  checkValidations(data: Record<string, unknown>, types: Record<string, unknown>, custom: ValidationSpec['custom'], store: Store): void;
}

export const db = require('dynalite/db') as DbHelpers;
const validations = require('dynalite/validations') as ValidationHelpers;
const createDynaliteServer = require('dynalite') as (options: Record<string, unknown>) => Server;

export type ActionName =
  | 'putItem'
  | 'updateItem'
  | 'deleteItem'
  | 'getItem'
  | 'query'
  | 'scan'
  | 'batchGetItem'
  | 'createTable'
  | 'updateTable'
  | 'describeTable'
  | 'deleteTable';
export type ValidationName = ActionName | 'batchWriteItem' | 'describeTimeToLive';

export function dynaliteAction(name: ActionName): Action {
  return require(`dynalite/actions/${name}`) as Action;
}

export function dynaliteValidation(name: ValidationName): ValidationSpec {
  return require(`dynalite/validations/${name}`) as ValidationSpec;
}

/**
 * Validates `raw` the way dynalite's HTTP handler does before it dispatches: types first
 * (SerializationException), then constraints and the action's own checks
 * (ValidationException). Returns the cleaned request: unknown members are dropped and
 * parsed expressions are attached (`_condition`, `_updates`, `_projection`).
 */
export function validateRequest(raw: Record<string, unknown>, spec: ValidationSpec, store: Store): Record<string, unknown> {
  const data = validations.checkTypes(raw, spec.types);
  validations.checkValidations(data, spec.types, spec.custom, store);
  return data;
}

/** Runs a dynalite action as a promise. */
export function runAction(action: Action, store: unknown, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    action(store, data, (error, result) => (error ? reject(error) : resolve(result ?? {})));
  });
}

export function getTable(store: Store, name: string, checkStatus: boolean): Promise<TableRecord> {
  return new Promise((resolve, reject) => store.getTable(name, checkStatus, (error, table) => (error ? reject(error) : resolve(table!))));
}

export interface Dynalite {
  /** dynalite's HTTP handler, never listening: requests we do not handle are emitted to it. */
  server: Server;
  /** The store behind that handler, shared with our own write path. */
  store: Store;
}

/**
 * Creates dynalite's request handler and captures its store. dynalite keeps the store in
 * a closure; it gets it from `require('./db').create(options)` at call time, so wrapping
 * that export for the duration of the call hands us the very same store.
 */
export function createDynalite(options: { path?: string; createTableMs: number; deleteTableMs: number; updateTableMs: number }): Dynalite {
  const original = db.create;
  let store: Store | undefined;
  db.create = (storeOptions) => (store = original(storeOptions));
  let server: Server;
  try {
    server = createDynaliteServer(options);
  } finally {
    db.create = original;
  }
  if (!store) throw new Error('dynalite did not create its store through db.create: unsupported dynalite version');
  return { server, store };
}

/** The LevelDB key prefix dynalite uses for a table's items (`getItemDb`). */
export const itemKeyPrefix = (tableName: string): string => `item-${tableName}~`;
/** The LevelDB key prefix dynalite uses for an index (`getIndexDb`). */
export const indexKeyPrefix = (indexType: string, tableName: string, indexName: string): string =>
  `index-${indexType.toLowerCase()}~${tableName}~${indexName}~`;
