// The five operations of an API resource on its entity, derived from the entity's declaration
// (keys, parent, indexes, schemas): the repositories (repositories/*.ts) call these, so each
// says what it does in a line and no key or item is spelled by hand. A child (an entity with a
// parent) is only ever read or written while its parent exists for the tenant: a child of a
// missing or deleted parent is a NotFoundError, as is another tenant's item.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { v7 as uuidv7 } from 'uuid';
import {
  existenceKey,
  idAttribute,
  indexKeysAfterPatch,
  keyOf,
  keyValuesOf,
  mutableAttributes,
  newResource,
  presenceKey,
  toItem,
  toResource,
  type EntityDeclaration,
  type Item,
  type ItemLocator,
} from './entity.js';
import { ConflictError, NotFoundError } from './errors.js';
import { composeKey, keyPrefix, TABLE_INDEXES, TABLE_KEY, type IndexName } from './keys.js';
import { allSettledFirst } from './parallel.js';
import {
  cancellationCodes,
  deleteVersioned,
  deleteVersionedWith,
  existsCheck,
  getItem,
  newItemPut,
  putNew,
  queryPage,
  timestamp,
  updateVersioned,
  type Page,
  type TableContext,
  type VersionCondition,
} from './table.js';

/** Where a new item, or a list, is: its tenant and (for a child) its parent's id. */
export type CollectionLocator = Omit<ItemLocator, 'id'>;

/**
 * Optimistic concurrency, checked by the write itself (one conditional request, so no other
 * writer can slip in between a check and the write): the versions it requires (If-Match) or
 * excludes (If-None-Match).
 */
export type WriteOptions = VersionCondition;

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** An item's key, with the entity and id that errors name. */
export function itemRef(entity: EntityDeclaration, at: ItemLocator) {
  return { entity: entity.name, id: at.id, key: keyOf(entity, keyValuesOf(entity, at)) };
}

function parentOf(entity: EntityDeclaration): EntityDeclaration {
  if (!entity.parent) throw new TypeError(`${entity.name} has no parent`);
  return entity.parent;
}

/** Where a child's parent is checked: its presence item, in the parent's own partition, when it declares one. */
const parentKey = (entity: EntityDeclaration, at: CollectionLocator) =>
  existenceKey(parentOf(entity), { tenantId: at.tenantId, id: at.parentId! });

/** Throws NotFoundError unless the item exists for this tenant (read where its existence is kept). */
export async function assertExists(ctx: TableContext, entity: EntityDeclaration, at: ItemLocator): Promise<void> {
  if (!(await getItem(ctx, existenceKey(entity, at)))) throw new NotFoundError(entity.name, at.id);
}

/** The presence item of a new item, when its entity declares one. */
function presenceItem(entity: EntityDeclaration, at: ItemLocator): Item | undefined {
  const key = presenceKey(entity, at);
  return key && { ...key, tenantId: at.tenantId, [idAttribute(entity)]: at.id };
}

/** Throws NotFoundError unless a child's parent exists for this tenant; nothing for a top-level entity. */
async function assertParentExists(ctx: TableContext, entity: EntityDeclaration, at: CollectionLocator): Promise<void> {
  if (entity.parent) await assertExists(ctx, entity.parent, { tenantId: at.tenantId, id: at.parentId! });
}

/**
 * Creates an item from a validated create body. A child is written in one transaction with a
 * check that its parent exists, so it can never land under a parent a concurrent request is
 * deleting.
 */
export async function createItem<T>(
  ctx: TableContext,
  entity: EntityDeclaration,
  at: CollectionLocator,
  input: Readonly<Record<string, unknown>>,
): Promise<T> {
  const resource = newResource(entity, { id: uuidv7(), parentId: at.parentId, now: timestamp(ctx) }, input);
  const item = toItem(entity, at.tenantId, resource);
  const ref = itemRef(entity, { ...at, id: resource.id as string });
  const presence = presenceItem(entity, { ...at, id: ref.id });
  if (!entity.parent && !presence) {
    await putNew(ctx, ref, item);
    return resource as T;
  }
  // A child with the check that its parent exists; an item that has a presence item with it.
  const check = entity.parent ? [{ ConditionCheck: existsCheck(ctx, parentKey(entity, at)) }] : [];
  const withPresence = presence ? [{ Put: newItemPut(ctx, presence) }] : [];
  try {
    await ctx.client.send(new TransactWriteCommand({ TransactItems: [...check, { Put: newItemPut(ctx, item) }, ...withPresence] }));
  } catch (error) {
    const codes = cancellationCodes(error) ?? [];
    if (entity.parent && codes[0] === 'ConditionalCheckFailed') throw new NotFoundError(entity.parent.name, at.parentId!);
    if (codes.includes('ConditionalCheckFailed')) throw new ConflictError(`${entity.name} ${ref.id} already exists`, { cause: error });
    throw error;
  }
  return resource as T;
}

export async function getResource<T>(ctx: TableContext, entity: EntityDeclaration, at: ItemLocator): Promise<T> {
  const [, item] = await allSettledFirst([assertParentExists(ctx, entity, at), getItem(ctx, itemRef(entity, at).key)]);
  if (!item) throw new NotFoundError(entity.name, at.id);
  return toResource<T>(entity, item);
}

/**
 * One page of the items of a tenant (top-level) or of a parent (children), in creation order,
 * or newest first. `index` reads them through one of the entity's indexes instead, with the
 * values its key needs beyond the locator's (a status).
 */
export async function listResources<T>(
  ctx: TableContext,
  entity: EntityDeclaration,
  at: CollectionLocator,
  page: PageRequest,
  options: { index?: { name: IndexName; values: Record<string, string> }; descending?: boolean } = {},
): Promise<Page<T>> {
  const values = keyValuesOf(entity, at);
  const collection = entity.collection ?? entity.name;
  let query;
  if (options.index) {
    // A filter reads another key (an index), never a FilterExpression over the partition.
    const template = entity.indexes![options.index.name]!;
    const attributes = TABLE_INDEXES[options.index.name];
    query = {
      scope: [collection, ...Object.values(options.index.values)].join(':'),
      indexName: attributes.name,
      partition: { attribute: attributes.pk, value: composeKey(template.pk, { ...values, ...options.index.values }) },
      sortKey: { attribute: attributes.sk, beginsWith: keyPrefix(template.sk) },
      keyAttributes: [TABLE_KEY.pk, TABLE_KEY.sk, attributes.pk, attributes.sk],
    };
  } else {
    query = {
      scope: collection,
      partition: { attribute: TABLE_KEY.pk, value: composeKey(entity.keys.pk, values) },
      sortKey: { attribute: TABLE_KEY.sk, beginsWith: keyPrefix(entity.keys.sk!) },
      keyAttributes: [TABLE_KEY.pk, TABLE_KEY.sk],
    };
  }
  const [, result] = await allSettledFirst([
    assertParentExists(ctx, entity, at),
    queryPage(ctx, { ...query, ...page, descending: options.descending }),
  ]);
  return { items: result.items.map((item) => toResource<T>(entity, item)), nextCursor: result.nextCursor };
}

/** Applies a merge patch of the attributes a client may change; index keys move with the attributes they name. */
export async function updateResource<T>(
  ctx: TableContext,
  entity: EntityDeclaration,
  at: ItemLocator,
  patch: Readonly<Record<string, unknown>>,
  options: WriteOptions = {},
): Promise<T> {
  await assertParentExists(ctx, entity, at);
  const item = await updateVersioned(ctx, {
    ...itemRef(entity, at),
    patch,
    mutable: mutableAttributes(entity),
    derived: indexKeysAfterPatch(entity, at, patch),
    ...options,
  });
  return toResource<T>(entity, item);
}

/** Deletes an item; one with a presence item deletes it (and `alsoDelete`, items only it owns) in the same transaction. */
export async function deleteResource(
  ctx: TableContext,
  entity: EntityDeclaration,
  at: ItemLocator,
  options: WriteOptions = {},
  alsoDelete?: { pk: string; sk: string }[],
): Promise<void> {
  await assertParentExists(ctx, entity, at);
  const presence = presenceKey(entity, at);
  if (presence) await deleteVersionedWith(ctx, { ...itemRef(entity, at), ...options }, [presence, ...(alsoDelete ?? [])]);
  else await deleteVersioned(ctx, { ...itemRef(entity, at), ...options });
}
