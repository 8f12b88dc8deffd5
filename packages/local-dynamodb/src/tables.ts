// CreateTable, UpdateTable, DescribeTable and DeleteTable: dynalite's, plus
// StreamSpecification. dynalite does not know the member (its type check drops it), so
// we add it to the request shapes, take it out before dynalite's action runs, and keep
// the stream in our own table extension (see table-extensions.ts). Responses get
// StreamSpecification (while the stream is enabled) and LatestStreamArn/LatestStreamLabel
// (as long as the table has had a stream), as DynamoDB's do.
import { dynaliteAction, dynaliteValidation, getTable, runAction, validateRequest } from './dynalite.js';
import type { BatchOp, TableRecord, ValidationSpec } from './dynalite.js';
import type { Engine } from './engine.js';
import { validationError } from './errors.js';
import type { Handler } from './items.js';
import { STREAM_VIEW_TYPES } from './streams/records.js';
import type { StreamViewType } from './streams/records.js';
import type { StreamMeta } from './streams/store.js';

const STREAM_SPECIFICATION = {
  type: 'FieldStruct<StreamSpecification>',
  children: {
    StreamEnabled: { type: 'Boolean', notNull: true },
    StreamViewType: { type: 'String', enum: [...STREAM_VIEW_TYPES] },
  },
};

interface StreamSpecification {
  StreamEnabled: boolean;
  StreamViewType?: StreamViewType;
}

const PARAMETER_INVALID = 'One or more parameter values were invalid: ';

function withStreamSpecification(spec: ValidationSpec, custom: ValidationSpec['custom']): ValidationSpec {
  return { types: { ...spec.types, StreamSpecification: STREAM_SPECIFICATION }, custom };
}

const createTableValidation = dynaliteValidation('createTable');
const createTableSpec = withStreamSpecification(createTableValidation, (data, store) => {
  const stream = data.StreamSpecification as StreamSpecification | undefined;
  if (stream?.StreamEnabled && !stream.StreamViewType)
    return `${PARAMETER_INVALID}Table is being created with a stream enabled, UpdateViewType is required`;
  if (stream && !stream.StreamEnabled && stream.StreamViewType)
    return `${PARAMETER_INVALID}Table is being created with a stream disabled, UpdateViewType should not be specified`;
  return createTableValidation.custom?.(data, store);
});

const updateTableValidation = dynaliteValidation('updateTable');
const updatesBesidesStream = (data: Record<string, unknown>): boolean =>
  !!(data.ProvisionedThroughput || data.BillingMode || (data.GlobalSecondaryIndexUpdates as unknown[] | undefined)?.length);
const updateTableSpec = withStreamSpecification(updateTableValidation, (data, store) => {
  const stream = data.StreamSpecification as StreamSpecification | undefined;
  if (stream) {
    if (stream.StreamEnabled && !stream.StreamViewType)
      return `${PARAMETER_INVALID}If stream is being enabled then UpdateViewType is required`;
    if (!stream.StreamEnabled && stream.StreamViewType)
      return `${PARAMETER_INVALID}If stream is being disabled, then UpdateViewType must not be specified`;
    const indexChanges = (data.GlobalSecondaryIndexUpdates as Record<string, unknown>[] | undefined)?.some(
      (update) => update.Create || update.Delete,
    );
    if (indexChanges) return `${PARAMETER_INVALID}You cannot create or delete index while changing stream status`;
    // A stream change is an update of its own: dynalite's "at least one of" rule does not apply.
    if (!updatesBesidesStream(data)) return undefined;
  }
  return updateTableValidation.custom?.(data, store);
});

const describeTableSpec = dynaliteValidation('describeTable');
const deleteTableSpec = dynaliteValidation('deleteTable');
const createTableAction = dynaliteAction('createTable');
const updateTableAction = dynaliteAction('updateTable');
const describeTableAction = dynaliteAction('describeTable');
const deleteTableAction = dynaliteAction('deleteTable');

/**
 * With createTableMs/deleteTableMs at 0 ("at once"), dynalite still settles the table on
 * a timer after it has answered, so a client writing right after CreateTable could find
 * the table not ACTIVE yet, or a CreateTable right after DeleteTable find the name taken.
 * Waiting for that timer (a few event-loop turns) makes "at once" hold for every client.
 */
async function settled(
  engine: Engine,
  tableName: string,
  done: (table: TableRecord | undefined) => boolean,
): Promise<TableRecord | undefined> {
  for (let attempt = 0; ; attempt += 1) {
    const table = await getTable(engine.store, tableName, false).catch(() => undefined);
    if (done(table) || attempt >= 200) return table;
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 0 : 5));
  }
}

/** Table-level changes to streams and TTL are serialised per table with this lock key. */
export const tableLockKey = (tableName: string): string => `table\u0000${tableName}`;

/** A copy of dynalite's description with the stream members DynamoDB reports. */
export function describeWithStream(engine: Engine, table: TableRecord): Record<string, unknown> {
  const arn = engine.extensions.get(table)?.latestStreamArn;
  if (!arn) return { ...table };
  const stream = engine.streams.get(arn);
  return {
    ...table,
    ...(stream?.status === 'ENABLED' ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.viewType } } : {}),
    LatestStreamLabel: arn.slice(arn.lastIndexOf('/') + 1),
    LatestStreamArn: arn,
  };
}

/** The table's current stream, after checking that `specification` changes it. */
function checkStreamChange(engine: Engine, table: TableRecord, specification: StreamSpecification): StreamMeta | undefined {
  const arn = engine.extensions.get(table)?.latestStreamArn;
  const current = arn ? engine.streams.get(arn) : undefined;
  const enabled = current?.status === 'ENABLED' ? current : undefined;
  if (specification.StreamEnabled && enabled) throw validationError(`Table already has an enabled stream: TableName: ${table.TableName}`);
  if (!specification.StreamEnabled && !enabled) throw validationError(`Table has no stream to disable: TableName: ${table.TableName}`);
  return enabled;
}

/** Enables or disables the table's stream; the batch entries that persist the change. */
function changeStream(engine: Engine, table: TableRecord, specification: StreamSpecification): BatchOp[] {
  const enabled = checkStreamChange(engine, table, specification);
  if (enabled) {
    engine.streams.disable(enabled);
    return [engine.streams.metaOp(enabled)];
  }
  // Enabling makes a new stream; an older one stays readable until its retention ends.
  const stream = engine.streams.create(table, specification.StreamViewType!);
  const extension = { ...(engine.extensions.get(table) ?? { tableId: table.TableId }), latestStreamArn: stream.arn };
  return [engine.streams.metaOp(stream), engine.extensions.set(table.TableName, extension)];
}

export const createTable: Handler = async (engine, request) => {
  const data = validateRequest(request, createTableSpec, engine.store);
  const stream = data.StreamSpecification as StreamSpecification | undefined;
  delete data.StreamSpecification;
  const release = await engine.locks.acquire([tableLockKey(data.TableName as string)]);
  try {
    const { TableDescription } = await runAction(createTableAction, engine.store, data);
    let table = TableDescription as TableRecord;
    if (engine.store.options.createTableMs === 0)
      table = (await settled(engine, table.TableName, (current) => current?.TableStatus === 'ACTIVE')) ?? table;
    // A new table starts with no extension, whatever an older table of that name had.
    const ops = [engine.extensions.set(table.TableName, { tableId: table.TableId })];
    if (stream?.StreamEnabled) ops.push(...changeStream(engine, table, stream));
    await engine.committer.commit(ops);
    return { TableDescription: describeWithStream(engine, table) };
  } finally {
    release();
  }
};

export const updateTable: Handler = async (engine, request) => {
  const data = validateRequest(request, updateTableSpec, engine.store);
  const stream = data.StreamSpecification as StreamSpecification | undefined;
  delete data.StreamSpecification;
  const release = await engine.locks.acquire([tableLockKey(data.TableName as string)]);
  try {
    let table = await getTable(engine.store, data.TableName as string, false);
    // Check the stream change first, so that an invalid one changes nothing at all.
    if (stream) checkStreamChange(engine, table, stream);
    if (updatesBesidesStream(data)) table = (await runAction(updateTableAction, engine.store, data)).TableDescription as TableRecord;
    if (stream) await engine.committer.commit(changeStream(engine, table, stream));
    return { TableDescription: describeWithStream(engine, table) };
  } finally {
    release();
  }
};

export const describeTable: Handler = async (engine, request) => {
  const data = validateRequest(request, describeTableSpec, engine.store);
  const { Table } = await runAction(describeTableAction, engine.store, data);
  return { Table: describeWithStream(engine, Table as TableRecord) };
};

export const deleteTable: Handler = async (engine, request) => {
  const data = validateRequest(request, deleteTableSpec, engine.store);
  const release = await engine.locks.acquire([tableLockKey(data.TableName as string)]);
  try {
    const { TableDescription } = await runAction(deleteTableAction, engine.store, data);
    const table = TableDescription as TableRecord;
    const description = describeWithStream(engine, table);
    // The stream outlives the table, disabled, for the retention period; TTL goes with it.
    const arn = engine.extensions.get(table)?.latestStreamArn;
    const stream = arn ? engine.streams.get(arn) : undefined;
    const ops: BatchOp[] = [];
    if (stream?.status === 'ENABLED') {
      engine.streams.disable(stream);
      ops.push(engine.streams.metaOp(stream));
    }
    ops.push(engine.extensions.delete(table.TableName));
    await engine.committer.commit(ops);
    if (engine.store.options.deleteTableMs === 0) await settled(engine, table.TableName, (current) => !current);
    return { TableDescription: description };
  } finally {
    release();
  }
};
