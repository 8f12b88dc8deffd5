// What an entity of the table is, declared once as data (entities/*.ts), and everything that
// derives from the declaration: its keys, its item <-> representation mapping, the attributes
// a client may write or change, and those its activity entries report.
//
// The attributes themselves are the API's JSON Schemas (packages/schema), the contract: which
// attributes a resource has and their types (`item`), which a client may set when creating it
// (`create`), which it may change and remove afterwards (`update`, a merge patch), which are
// server-managed (`readOnly`) and their defaults. A declaration adds only what the storage
// knows: the keys, the indexes, the parent, the initial server-managed values, the feed.
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { composeKey, TABLE_INDEXES, type IndexName, type KeyTemplate, type KeyValues } from './keys.js';

/** The shape of the JSON Schemas a declaration names (an object schema with properties). */
export interface ObjectSchema {
  readonly properties: Readonly<Record<string, object>>;
}

export interface EntityDeclaration {
  /** The `entity` attribute of its items, the singular of its key attribute (`taskId`) and of its activity types. */
  readonly name: string;
  /** Its plural, as in its path (`/tasks`); its list's cursors are bound to it. */
  readonly collection?: string;
  /** The API's schemas of it: its representation, and the bodies that create and change it. */
  readonly schemas?: { readonly item: ObjectSchema; readonly create?: ObjectSchema; readonly update?: ObjectSchema };
  /** The entity whose partition it lives in: its items are listed, and removed, with their parent's. */
  readonly parent?: EntityDeclaration;
  readonly keys: { readonly pk: KeyTemplate; readonly sk?: KeyTemplate };
  readonly indexes?: { readonly [I in IndexName]?: { readonly pk: KeyTemplate; readonly sk: KeyTemplate } };
  /** Server-managed attributes' values when it is created (beyond id, timestamps and version). */
  readonly initial?: Readonly<Record<string, NativeAttributeValue>>;
  /**
   * Its changes are recorded in an activity feed (its own, or its parent's), each entry titled
   * with the value of this attribute at the time.
   */
  readonly feed?: { readonly title?: string };
}

export type Item = Record<string, NativeAttributeValue>;

/** The attribute its id goes by in keys and in its children's representations: `taskId`. */
export const idAttribute = (entity: EntityDeclaration): string => `${entity.name}Id`;

/**
 * The partition of an entity's children: the entity's own key, pk then sk (a task's partition
 * is its project's key, tenant and project), then any `more` segments (an index's). Deleting
 * the parent empties it.
 */
export const childPartition = /* @__NO_SIDE_EFFECTS__ */ <
  P extends KeyTemplate,
  S extends KeyTemplate,
  M extends KeyTemplate = readonly [],
>(
  parent: { readonly keys: { readonly pk: P; readonly sk: S } },
  ...more: M
) => [...parent.keys.pk, ...parent.keys.sk, ...more] as const;

/** Where an item is: its tenant, the id of its parent (for a child) and its own id. */
export interface ItemLocator {
  tenantId: string;
  parentId?: string;
  id: string;
}

/** The key values of an item: the tenant's, the parent's and its own id, by key attribute. */
export function keyValuesOf(entity: EntityDeclaration, at: Partial<ItemLocator>): Record<string, string> {
  const values: Record<string, string> = {};
  if (at.tenantId !== undefined) values.tenantId = at.tenantId;
  if (entity.parent && at.parentId !== undefined) values[idAttribute(entity.parent)] = at.parentId;
  if (at.id !== undefined) values[idAttribute(entity)] = at.id;
  return values;
}

export function keyOf(entity: EntityDeclaration, values: Readonly<Record<string, unknown>>): { pk: string; sk: string } {
  return {
    pk: composeKey(entity.keys.pk, values as KeyValues<KeyTemplate>),
    sk: composeKey(entity.keys.sk!, values as KeyValues<KeyTemplate>),
  };
}

/** The index key attributes of the item, for each index the entity is in whose key attributes are all in `values`. */
export function indexKeysOf(entity: EntityDeclaration, values: Record<string, unknown>): Item {
  const keys: Item = {};
  for (const [name, index] of Object.entries(entity.indexes ?? {}) as [IndexName, { pk: KeyTemplate; sk: KeyTemplate }][]) {
    const { pk, sk } = TABLE_INDEXES[name];
    keys[pk] = composeKey(index.pk, values as KeyValues<KeyTemplate>);
    keys[sk] = composeKey(index.sk, values as KeyValues<KeyTemplate>);
  }
  return keys;
}

/**
 * The index keys a merge patch moves: those whose templates name a patched attribute (a task's
 * status index key moves with its status), recomposed from the locator and the patch.
 */
export function indexKeysAfterPatch(entity: EntityDeclaration, at: ItemLocator, patch: Record<string, unknown>): Item {
  const keys: Item = {};
  const values = { ...keyValuesOf(entity, at), ...patch } as KeyValues<KeyTemplate>;
  for (const [name, index] of Object.entries(entity.indexes ?? {}) as [IndexName, { pk: KeyTemplate; sk: KeyTemplate }][]) {
    for (const part of ['pk', 'sk'] as const) {
      const moved = index[part].some((segment) => 'attr' in segment && patch[segment.attr] !== undefined);
      if (moved) keys[TABLE_INDEXES[name][part]] = composeKey(index[part], values);
    }
  }
  return keys;
}

/**
 * The stored item of a representation: its keys and index keys, and the bookkeeping
 * attributes (`entity`, `tenantId`) beside the representation's own.
 */
export function toItem(entity: EntityDeclaration, tenantId: string, resource: Record<string, unknown>): Item & { pk: string; sk: string } {
  const parentId = entity.parent ? (resource[idAttribute(entity.parent)] as string) : undefined;
  const values = { ...resource, ...keyValuesOf(entity, { tenantId, parentId, id: resource.id as string }) };
  return { ...keyOf(entity, values), ...indexKeysOf(entity, values), entity: entity.name, tenantId, ...resource };
}

/** The representation of a stored item: the attributes of its schema, in the schema's order, keys and bookkeeping left out. */
export function toResource<T>(entity: EntityDeclaration, item: Item): T {
  const resource: Record<string, unknown> = {};
  for (const name in entity.schemas!.item.properties) if (item[name] !== undefined) resource[name] = item[name];
  return resource as T;
}

/** Attributes a client may set when creating one (its create schema's). */
export const writableAttributes = (entity: EntityDeclaration): string[] => Object.keys(entity.schemas?.create?.properties ?? {});

/** Attributes a client may change or remove (its update schema's, a merge patch). */
export const mutableAttributes = (entity: EntityDeclaration): string[] => Object.keys(entity.schemas?.update?.properties ?? {});

/** Attributes its activity entries report when they change: every attribute a client may change. */
export const trackedAttributes = mutableAttributes;

/** Values the server gives what a client leaves out on creation: its create schema's `default`s. */
export function defaultsOf(entity: EntityDeclaration): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(entity.schemas?.create?.properties ?? {})) {
    if ('default' in property) defaults[name] = property.default;
  }
  return defaults;
}

/**
 * The representation of a new item: server-managed attributes (id, parent id, initial values,
 * timestamps, version 1), defaults, then what the client sent (only what it may write).
 */
export function newResource(
  entity: EntityDeclaration,
  at: { id: string; parentId?: string; now: string },
  input: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const resource: Record<string, unknown> = { id: at.id };
  if (entity.parent) resource[idAttribute(entity.parent)] = at.parentId;
  Object.assign(resource, structuredClone(entity.initial), defaultsOf(entity));
  for (const name of writableAttributes(entity)) if (input[name] !== undefined) resource[name] = input[name];
  resource.createdAt = at.now;
  resource.updatedAt = at.now;
  resource.version = 1;
  return toResource(entity, resource);
}

/** The partition key of an item's children (see childPartition). */
export function childPartitionKey(entity: EntityDeclaration, at: ItemLocator): string {
  const { pk, sk } = keyOf(entity, keyValuesOf(entity, at));
  return `${pk}#${sk}`;
}
