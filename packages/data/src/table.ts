import { ConditionalCheckFailedException, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
} from '@aws-sdk/lib-dynamodb';
import type { CursorCodec, PageKey } from './cursor.js';
import type { Item } from './entity.js';
import { ConflictError, NotFoundError, PreconditionFailedError } from './errors.js';
import { TABLE_KEY } from './keys.js';

/** What every repository needs: the client, the table, the cursor key, the clock. */
export interface TableContext {
  client: DynamoDBDocumentClient;
  /** The DynamoDB client under `client`, for code that sends plain DynamoDB commands (Powertools' idempotency). */
  dynamodb?: DynamoDBClient;
  tableName: string;
  cursors: CursorCodec;
  /** The clock (createRepositories gives the system's unless told otherwise, so tests can pin it). */
  now: () => Date;
  /**
   * The id of the request being served, stamped on every item it writes (`lastRequestId`)
   * so that the stream consumer can log which request caused a change. Set per request by
   * `Repositories.forRequest`: a value, not ambient state, so concurrent requests in one
   * process (sls offline in process) cannot see each other's.
   */
  requestId?: string;
}

export type { Item };

/** The clock of writes, unless a caller gives another (tests pin it). */
export const systemClock = (): Date => new Date();

/** What the stream consumer's writers need of a TableContext: the clock is the system's unless given. */
export type WriterContext = Pick<TableContext, 'client' | 'tableName'> & Partial<Pick<TableContext, 'now'>>;

/** The time of a write, as stored (`createdAt`, `updatedAt`). */
export const timestamp = (ctx: Pick<TableContext, 'now'>): string => ctx.now().toISOString();

/**
 * What every write stamps on the item besides its own attributes: the id of the request that
 * made it (`lastRequestId`, when there is one), which the stream consumer logs.
 */
export function requestStamp(ctx: Pick<TableContext, 'requestId'>): Item {
  return ctx.requestId ? { lastRequestId: ctx.requestId } : {};
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Builds the names/values maps of an expression from plain data, so that no value and
 * no attribute name from a request is ever spliced into an expression string.
 */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, NativeAttributeValue> = {};
  private readonly placeholders = new Map<string, string>();
  private valueCount = 0;

  name(attribute: string): string {
    let placeholder = this.placeholders.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.placeholders.size}`;
      this.placeholders.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  value(value: NativeAttributeValue): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** Spread into a command; omits empty maps, which DynamoDB rejects. */
  get attributes() {
    return {
      ExpressionAttributeNames: this.names,
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

/**
 * UpdateItem's SET/REMOVE clauses for a merge patch: `null` removes an attribute,
 * `undefined` leaves it alone, anything else sets it.
 */
export function mergePatchClauses(expr: ExpressionBuilder, patch: Record<string, unknown>, allowed: readonly string[]) {
  const set: string[] = [];
  const remove: string[] = [];
  for (const attribute of allowed) {
    const value = patch[attribute];
    if (value === undefined) continue;
    if (value === null) remove.push(expr.name(attribute));
    else set.push(`${expr.name(attribute)} = ${expr.value(value as NativeAttributeValue)}`);
  }
  return { set, remove };
}

export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * The reason code of each action of a cancelled transaction, in request order
 * (e.g. 'ConditionalCheckFailed', 'None'); undefined for any other error.
 */
export function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  const { name, CancellationReasons } = (error ?? {}) as { name?: string; CancellationReasons?: { Code?: string }[] };
  return name === 'TransactionCanceledException' && CancellationReasons ? CancellationReasons.map((reason) => reason.Code) : undefined;
}

export async function getItem(ctx: TableContext, key: { pk: string; sk: string }): Promise<Item | undefined> {
  const { Item } = await ctx.client.send(new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true }));
  return Item;
}

/**
 * The item a failed condition was checked against. DynamoDB returns it with
 * ReturnValuesOnConditionCheckFailure; endpoints that ignore that flag get a consistent read.
 */
export async function currentItemAfterConditionFailure(ctx: TableContext, error: { Item?: unknown }, key: { pk: string; sk: string }) {
  // The document client leaves exceptions alone: the item comes back in wire format.
  if (error.Item) return unmarshall(error.Item as Record<string, AttributeValue>);
  return getItem(ctx, key);
}

export interface PageQuery {
  /** The list this page belongs to; a cursor from any other list is refused. */
  scope: string;
  indexName?: string;
  partition: { attribute: string; value: string };
  sortKey: { attribute: string; beginsWith: string };
  /** Attributes of LastEvaluatedKey for this table or index. */
  keyAttributes: readonly string[];
  limit: number;
  cursor?: string;
  /** Newest (highest sort key) first. */
  descending?: boolean;
}

/**
 * One page of a Query. Reads limit + 1 items so that `nextCursor` is null exactly when
 * there is nothing more, instead of sending the client to an empty last page.
 */
export async function queryPage(ctx: TableContext, q: PageQuery): Promise<Page<Item>> {
  const exclusiveStartKey = q.cursor
    ? ctx.cursors.decode(q.cursor, q.scope, { attributes: q.keyAttributes, fixed: { [q.partition.attribute]: q.partition.value } })
    : undefined;
  const expr = new ExpressionBuilder();
  const { Items = [] } = await ctx.client.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: q.indexName,
      KeyConditionExpression: `${expr.name(q.partition.attribute)} = ${expr.value(q.partition.value)} AND begins_with(${expr.name(q.sortKey.attribute)}, ${expr.value(q.sortKey.beginsWith)})`,
      ...expr.attributes,
      ExclusiveStartKey: exclusiveStartKey,
      Limit: q.limit + 1,
      ScanIndexForward: !q.descending,
      ConsistentRead: q.indexName ? undefined : true,
    }),
  );
  const items = Items.slice(0, q.limit);
  const last = items.at(-1);
  const nextCursor =
    Items.length > q.limit && last
      ? ctx.cursors.encode(q.scope, Object.fromEntries(q.keyAttributes.map((a) => [a, String(last[a])])) as PageKey)
      : null;
  return { items, nextCursor };
}

interface ItemRef {
  entity: string;
  id: string;
  key: { pk: string; sk: string };
}

/** Put an item that must not exist yet (ids are fresh, so a clash is a real conflict). */
export async function putNew(ctx: TableContext, ref: ItemRef, item: Item): Promise<void> {
  try {
    await ctx.client.send(new PutCommand(newItemPut(ctx, item)));
  } catch (error) {
    if (isConditionFailure(error)) throw new ConflictError(`${ref.entity} ${ref.id} already exists`, { cause: error });
    throw error;
  }
}

/** The Put of an item that must not exist yet, stamped with the request (alone, or in a transaction). */
export function newItemPut(ctx: TableContext, item: Item) {
  const expr = new ExpressionBuilder();
  return {
    TableName: ctx.tableName,
    Item: { ...item, ...requestStamp(ctx) },
    ConditionExpression: `attribute_not_exists(${expr.name(TABLE_KEY.pk)})`,
    ...expr.attributes,
  };
}

/** The ConditionCheck that an item exists (a child's parent, when the child is written). */
export function existsCheck(ctx: TableContext, key: { pk: string; sk: string }) {
  const expr = new ExpressionBuilder();
  return { TableName: ctx.tableName, Key: key, ConditionExpression: `attribute_exists(${expr.name(TABLE_KEY.pk)})`, ...expr.attributes };
}

/** Versions a conditional write requires (If-Match) or excludes (If-None-Match). */
export interface VersionCondition {
  /** The item must be at one of these; an empty list can never hold. */
  versionIn?: readonly number[];
  /** The item must be at none of these. */
  versionNotIn?: readonly number[];
}

/** The condition every versioned write carries: the item exists, at a version the caller allows. */
function versionCondition(expr: ExpressionBuilder, { versionIn, versionNotIn }: VersionCondition): string {
  const exists = `attribute_exists(${expr.name(TABLE_KEY.pk)})`;
  const conditions = [exists];
  const list = (versions: readonly number[]) => versions.map((version) => expr.value(version)).join(', ');
  // DynamoDB has no literal false and refuses an empty IN list: an item that both exists and
  // does not is a condition that never holds, and a failed condition still tells 404 from 412.
  if (versionIn?.length === 0) conditions.push(`attribute_not_exists(${expr.name(TABLE_KEY.pk)})`);
  else if (versionIn) conditions.push(`${expr.name('version')} IN (${list(versionIn)})`);
  if (versionNotIn?.length) conditions.push(`NOT (${expr.name('version')} IN (${list(versionNotIn)}))`);
  return conditions.join(' AND ');
}

/** Tells a missing item (404) from a stale version (412) after a failed condition. */
async function conditionError(ctx: TableContext, ref: ItemRef, error: { Item?: unknown }) {
  const current = await currentItemAfterConditionFailure(ctx, error, ref.key);
  return current ? new PreconditionFailedError(ref.entity, ref.id, current.version) : new NotFoundError(ref.entity, ref.id);
}

/**
 * Applies a merge patch to the `mutable` attributes (plus server-computed `derived` ones),
 * stamps updatedAt (and the request) and bumps version, all in one conditional UpdateItem.
 */
export async function updateVersioned(
  ctx: TableContext,
  ref: ItemRef & VersionCondition & { patch: Record<string, unknown>; mutable: readonly string[]; derived?: Item },
): Promise<Item> {
  const expr = new ExpressionBuilder();
  const { set, remove } = mergePatchClauses(expr, ref.patch, ref.mutable);
  const stamped: Item = { ...ref.derived, ...requestStamp(ctx), updatedAt: timestamp(ctx) };
  for (const attribute in stamped) set.push(`${expr.name(attribute)} = ${expr.value(stamped[attribute])}`);
  set.push(`${expr.name('version')} = ${expr.name('version')} + ${expr.value(1)}`);
  const condition = versionCondition(expr, ref);
  try {
    const { Attributes } = await ctx.client.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: ref.key,
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ...expr.attributes,
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return Attributes as Item;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw await conditionError(ctx, ref, error);
  }
}

export async function deleteVersioned(ctx: TableContext, ref: ItemRef & VersionCondition): Promise<void> {
  const expr = new ExpressionBuilder();
  const condition = versionCondition(expr, ref);
  try {
    await ctx.client.send(
      new DeleteCommand({
        TableName: ctx.tableName,
        Key: ref.key,
        ConditionExpression: condition,
        ...expr.attributes,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    throw await conditionError(ctx, ref, error);
  }
}
