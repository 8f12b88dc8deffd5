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
  readTask,
  taskEntity,
  trackedAttributes,
  type ActivityChange,
  type CountedChange,
  type EntityDeclaration,
  type TaskReading,
} from '@app/data';
import type { ActivityType } from '@app/schema';
import { UnprocessableRecordError } from '../errors.js';
import { requiredString, type Change, type Image } from './decode.js';

export type Effect =
  | { type: 'none'; reason: string }
  | {
      type: 'record';
      tenantId: string;
      projectId: string;
      activity: ActivityChange;
      /** For a change of the status a task is counted under (created, moved, deleted). */
      counted?: CountedChange;
      /** An item created under a project that no longer exists is deleted. */
      orphan?: { pk: string; sk: string };
    }
  | { type: 'register-tenant'; tenantId: string }
  | { type: 'start-cleanup'; tenantId: string; projectId: string; requestedAt: string }
  | { type: 'cleanup-step'; tenantId: string; projectId: string };

type Changes = NonNullable<ActivityChange['changes']>;

/** A value as an activity entry reports it: text, or null for an absent attribute. */
const reported = (value: unknown): string | null =>
  value === undefined || value === null ? null : typeof value === 'string' ? value : JSON.stringify(value);

/** The attributes a client may change (the entity's declaration says which) that this change changed. */
function changedFields(entity: EntityDeclaration, before: Image, after: Image): Changes {
  const changes: Changes = {};
  for (const field of trackedAttributes(entity)) {
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

/** The task of an image that must be readable; one that is not can never be applied. */
function readable(image: Image | undefined): Extract<TaskReading, { readable: true }> {
  const task = readTask(image);
  if (!task.readable) throw new UnprocessableRecordError('unreadable-item', task.problem);
  return task;
}

/** A task's change: its activity entry, and the status it is counted under. */
function planTask(change: Change): Effect {
  const after = change.kind === 'REMOVE' ? undefined : readable(change.newImage);
  const task = after ?? readable(change.oldImage);
  // An old image that cannot be read was never counted (its own record was set aside).
  const before = change.kind === 'INSERT' ? undefined : readTask(change.oldImage);
  const previous = before?.readable ? before.status : null;
  const { tenantId, projectId, taskId } = task;
  const base = { eventId: change.eventId, occurredAt: occurredAt(change), taskId, title: task.title };
  switch (change.kind) {
    case 'INSERT':
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: activityType(taskEntity, 'created') },
        counted: { taskId, status: task.status, previous: null },
        orphan: change.keys,
      };
    case 'MODIFY': {
      const changes = changedFields(taskEntity, change.oldImage ?? {}, change.newImage ?? {});
      if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: activityType(taskEntity, 'updated'), changes },
        ...(previous !== task.status ? { counted: { taskId, status: task.status, previous } } : {}),
      };
    }
    case 'REMOVE':
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: activityType(taskEntity, 'deleted') },
        counted: { taskId, status: null, previous },
      };
  }
}

/** The entry's title: the entity's title attribute at the time, when it has one. */
function titleOf(entity: EntityDeclaration, image: Image | undefined): { title?: string } {
  return entity.feed?.title ? { title: requiredString(image, entity.feed.title, entity.name) } : {};
}

/** A change of any other item in a project's partition whose entity has a feed: its activity entry. */
function planItem(change: Change, entity: EntityDeclaration & { parent: EntityDeclaration }): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId', entity.name);
  const projectId = requiredString(item, idAttribute(entity.parent), entity.name);
  const base = { eventId: change.eventId, occurredAt: occurredAt(change), [idAttribute(entity)]: requiredString(item, 'id', entity.name) };
  switch (change.kind) {
    case 'INSERT': {
      const activity = { ...base, type: activityType(entity, 'created'), ...titleOf(entity, change.newImage) };
      return { type: 'record', tenantId, projectId, activity, orphan: change.keys };
    }
    case 'MODIFY': {
      const changes = changedFields(entity, change.oldImage ?? {}, change.newImage ?? {});
      if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
      const activity = { ...base, type: activityType(entity, 'updated'), ...titleOf(entity, change.newImage), changes };
      return { type: 'record', tenantId, projectId, activity };
    }
    case 'REMOVE': {
      const activity = { ...base, type: activityType(entity, 'deleted'), ...titleOf(entity, change.oldImage) };
      return { type: 'record', tenantId, projectId, activity };
    }
  }
}

function planProject(change: Change): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId', projectEntity.name);
  const projectId = requiredString(item, 'id', projectEntity.name);
  // The list of tenants lets a recount of every tenant find their projects without a Scan.
  if (change.kind === 'INSERT') return { type: 'register-tenant', tenantId };
  if (change.kind === 'REMOVE') return { type: 'start-cleanup', tenantId, projectId, requestedAt: occurredAt(change) };
  const changes = changedFields(projectEntity, change.oldImage ?? {}, change.newImage ?? {});
  // Counter updates (ours) change the project too; only what a client changed is activity.
  if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
  const activity = {
    eventId: change.eventId,
    occurredAt: occurredAt(change),
    type: activityType(projectEntity, 'updated'),
    ...titleOf(projectEntity, change.newImage),
    changes,
  };
  return { type: 'record', tenantId, projectId, activity };
}

function planCleanup(change: Change): Effect {
  if (change.kind === 'REMOVE') return { type: 'none', reason: 'cleanup finished' };
  const item = change.newImage!;
  return {
    type: 'cleanup-step',
    tenantId: requiredString(item, 'tenantId', cleanupEntity.name),
    projectId: requiredString(item, 'projectId', cleanupEntity.name),
  };
}

/** Whether the items of an entity are recorded in their project's feed. */
const inProjectFeed = (entity: EntityDeclaration): entity is EntityDeclaration & { parent: EntityDeclaration } =>
  entity.parent === projectEntity && entity.feed !== undefined;

/** The effect of a change, by the declaration of its entity (`entities`: every entity, by name). */
export function planChange(change: Change, entities: Readonly<Record<string, EntityDeclaration>> = ENTITIES): Effect {
  // Items without an entity are not ours (Powertools' idempotency records): the stream filter keeps them away on AWS.
  if (change.entity === undefined) return { type: 'none', reason: 'entity (none) is not consumed' };
  const entity = Object.hasOwn(entities, change.entity) ? entities[change.entity] : undefined;
  if (!entity) {
    throw new UnprocessableRecordError('unknown-entity', `item of an entity this consumer does not know: ${JSON.stringify(change.entity)}`);
  }
  if (entity === projectEntity) return planProject(change);
  if (entity === cleanupEntity) return planCleanup(change);
  if (entity === taskEntity) return planTask(change);
  if (inProjectFeed(entity)) return planItem(change, entity);
  // Ours but derived (activity entries, counted tasks, the tenant list), or without a feed.
  return { type: 'none', reason: `entity ${entity.name} is not consumed` };
}
