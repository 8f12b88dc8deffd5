// What a change means for derived state, as data: which activity entry to write, how the
// project's task counts move, whether a project's partition must be emptied. Pure, so the
// rules are tested without a database. Which entities it consumes, which attributes their
// entries report and which it reads are the entity declarations' (packages/data/src/entities):
// every item in a project's partition whose entity has a feed is recorded in the project's.
import {
  cleanupEntity,
  ENTITIES,
  idAttribute,
  projectEntity,
  taskEntity,
  trackedAttributes,
  type ActivityChange,
  type CountsDelta,
  type EntityDeclaration,
} from '@app/data';
import type { ActivityType } from '@app/schema';
import { requiredString, type Change, type Image } from './decode.js';

export type Effect =
  | { type: 'none'; reason: string }
  | {
      type: 'record';
      tenantId: string;
      projectId: string;
      activity: ActivityChange;
      counts: CountsDelta;
      /** An item created under a project that no longer exists is deleted. */
      orphan?: { pk: string; sk: string };
    }
  | { type: 'start-cleanup'; tenantId: string; projectId: string; requestedAt: string }
  | { type: 'cleanup-step'; tenantId: string; projectId: string };

type Changes = NonNullable<ActivityChange['changes']>;

/** A value as an activity entry reports it: text, or null for an absent attribute. */
const reported = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

function changedFields(fields: readonly string[], before: Image, after: Image): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const from = reported(before[field]);
    const to = reported(after[field]);
    if (from !== to) changes[field] = { from, to };
  }
  return changes;
}

/**
 * When the change happened: the item's own (millisecond) timestamp where the write set one.
 * A removal carries none, and the stream's commit time has second precision: a removal is
 * dated at the end of its second, and never before the last write it removes, so that it
 * sorts after the changes made before it. Derived from the record alone, so a replay dates
 * (and keys) the entry the same way.
 */
function occurredAt(change: Change): string {
  const stamped = change.newImage?.updatedAt;
  if (change.kind !== 'REMOVE' && typeof stamped === 'string' && stamped !== change.oldImage?.updatedAt) return stamped;
  const endOfSecond = new Date(Date.parse(change.approximateAt) + 999).toISOString();
  const last = change.oldImage?.updatedAt;
  return typeof last === 'string' && last > endOfSecond ? last : endOfSecond;
}

/** `task.created` and the like: the entity's name and what happened to it (ACTIVITY_TYPES lists them all). */
const activityType = (entity: EntityDeclaration, event: 'created' | 'updated' | 'deleted') => `${entity.name}.${event}` as ActivityType;

/** The entry's title: the entity's title attribute at the time, when it has one. */
function titleOf(entity: EntityDeclaration, image: Image | undefined): { title?: string } {
  return entity.feed?.title ? { title: requiredString(image, entity.feed.title) } : {};
}

/** How a task's change moves its project's task counts (in all, and per status). */
function taskCounts(change: Change): CountsDelta {
  switch (change.kind) {
    case 'INSERT':
      return { total: 1, [requiredString(change.newImage, 'status')]: 1 };
    case 'REMOVE':
      return { total: -1, [requiredString(change.oldImage, 'status')]: -1 };
    case 'MODIFY': {
      const from = requiredString(change.oldImage, 'status');
      const to = requiredString(change.newImage, 'status');
      return from === to ? {} : { [from]: -1, [to]: 1 };
    }
  }
}

/** A change of an item in a project's partition (a task, or any other entity with a feed). */
function planItem(change: Change, entity: EntityDeclaration & { parent: EntityDeclaration }): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId');
  const projectId = requiredString(item, idAttribute(entity.parent));
  const base = { eventId: change.eventId, occurredAt: occurredAt(change), [idAttribute(entity)]: requiredString(item, 'id') };
  const counts = entity === taskEntity ? taskCounts(change) : {};
  switch (change.kind) {
    case 'INSERT': {
      const activity = { ...base, type: activityType(entity, 'created'), ...titleOf(entity, change.newImage) };
      return { type: 'record', tenantId, projectId, activity, counts, orphan: change.keys };
    }
    case 'MODIFY': {
      const changes = changedFields(trackedAttributes(entity), change.oldImage ?? {}, change.newImage ?? {});
      if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
      const activity = { ...base, type: activityType(entity, 'updated'), ...titleOf(entity, change.newImage), changes };
      return { type: 'record', tenantId, projectId, activity, counts };
    }
    case 'REMOVE': {
      const activity = { ...base, type: activityType(entity, 'deleted'), ...titleOf(entity, change.oldImage) };
      return { type: 'record', tenantId, projectId, activity, counts };
    }
  }
}

function planProject(change: Change): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId');
  const projectId = requiredString(item, 'id');
  if (change.kind === 'INSERT') return { type: 'none', reason: 'a new project has nothing to derive' };
  if (change.kind === 'REMOVE') return { type: 'start-cleanup', tenantId, projectId, requestedAt: occurredAt(change) };
  const changes = changedFields(trackedAttributes(projectEntity), change.oldImage ?? {}, change.newImage ?? {});
  // Counter updates (ours) change the project too; only what a client changed is activity.
  if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
  const activity = {
    eventId: change.eventId,
    occurredAt: occurredAt(change),
    type: activityType(projectEntity, 'updated'),
    ...titleOf(projectEntity, change.newImage),
    changes,
  };
  return { type: 'record', tenantId, projectId, activity, counts: {} };
}

/** Whether the items of an entity are recorded in their project's feed. */
const inProjectFeed = (entity: EntityDeclaration | undefined): entity is EntityDeclaration & { parent: EntityDeclaration } =>
  entity?.parent === projectEntity && entity.feed !== undefined;

/** The effect of a change, by the declaration of its entity (`entities`: every entity, by name). */
export function planChange(change: Change, entities: Readonly<Record<string, EntityDeclaration>> = ENTITIES): Effect {
  const entity = change.entity !== undefined && Object.hasOwn(entities, change.entity) ? entities[change.entity] : undefined;
  if (entity === projectEntity) return planProject(change);
  if (entity === cleanupEntity) {
    if (change.kind === 'REMOVE') return { type: 'none', reason: 'cleanup finished' };
    const item = change.newImage!;
    return { type: 'cleanup-step', tenantId: requiredString(item, 'tenantId'), projectId: requiredString(item, 'projectId') };
  }
  if (inProjectFeed(entity)) return planItem(change, entity);
  // Activity entries and anything else: the stream filter keeps them away on AWS.
  return { type: 'none', reason: `entity ${change.entity ?? '(none)'} is not consumed` };
}
