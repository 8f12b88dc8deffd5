// What a change means for derived state, as data: which activity entry to write, how the
// project's task counts move, whether a project's partition must be emptied. Pure, so the
// rules are tested without a database.
import {
  activityEntity,
  countedTaskEntity,
  idempotencyEntity,
  readTask,
  tenantEntity,
  type ActivityChange,
  type CountedChange,
  type TaskReading,
} from '@app/data';
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
      /** A task created under a project that no longer exists is deleted. */
      orphan?: { pk: string; sk: string };
    }
  | { type: 'register-tenant'; tenantId: string }
  | { type: 'start-cleanup'; tenantId: string; projectId: string; requestedAt: string }
  | { type: 'cleanup-step'; tenantId: string; projectId: string };

/** Entities of the table that this consumer leaves alone (it writes most of them itself). */
const NOT_CONSUMED: readonly string[] = [activityEntity.name, countedTaskEntity.name, tenantEntity.name, idempotencyEntity.name];

/** The fields of each entity that an activity entry reports when they change. */
const TRACKED_FIELDS = {
  task: ['title', 'description', 'status', 'dueDate'],
  project: ['name', 'description'],
} as const;

function changedFields(fields: readonly string[], before: Image, after: Image) {
  const changes: Record<string, { from: string | null; to: string | null }> = {};
  for (const field of fields) {
    const from = (before[field] as string | undefined) ?? null;
    const to = (after[field] as string | undefined) ?? null;
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

/** The task of an image that must be readable; one that is not can never be applied. */
function readable(image: Image | undefined): Extract<TaskReading, { readable: true }> {
  const task = readTask(image);
  if (!task.readable) throw new UnprocessableRecordError('unreadable-item', task.problem);
  return task;
}

function planTask(change: Change): Effect {
  const after = change.kind === 'REMOVE' ? undefined : readable(change.newImage);
  const task = after ?? readable(change.oldImage);
  // An old image that cannot be read was never counted (its own record was set aside).
  const before = change.kind === 'INSERT' ? undefined : readTask(change.oldImage);
  const previous = before?.readable ? before.status : null;
  const { tenantId, projectId, taskId } = task;
  const base = { eventId: change.eventId, occurredAt: occurredAt(change), taskId };
  switch (change.kind) {
    case 'INSERT':
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.created', title: task.title },
        counted: { taskId, status: task.status, previous: null },
        orphan: change.keys,
      };
    case 'MODIFY': {
      const changes = changedFields(TRACKED_FIELDS.task, change.oldImage ?? {}, change.newImage ?? {});
      if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.updated', title: task.title, changes },
        ...(previous !== task.status ? { counted: { taskId, status: task.status, previous } } : {}),
      };
    }
    case 'REMOVE':
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.deleted', title: task.title },
        counted: { taskId, status: null, previous },
      };
  }
}

function planProject(change: Change): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId', 'project');
  const projectId = requiredString(item, 'id', 'project');
  // The list of tenants lets a recount of every tenant find their projects without a Scan.
  if (change.kind === 'INSERT') return { type: 'register-tenant', tenantId };
  if (change.kind === 'REMOVE') return { type: 'start-cleanup', tenantId, projectId, requestedAt: occurredAt(change) };
  const changes = changedFields(TRACKED_FIELDS.project, change.oldImage ?? {}, change.newImage ?? {});
  // Counter updates (ours) change the project too; only what a client changed is activity.
  if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
  return {
    type: 'record',
    tenantId,
    projectId,
    activity: {
      eventId: change.eventId,
      occurredAt: occurredAt(change),
      type: 'project.updated',
      title: requiredString(change.newImage, 'name', 'project'),
      changes,
    },
  };
}

export function planChange(change: Change): Effect {
  switch (change.entity) {
    case 'task':
      return planTask(change);
    case 'project':
      return planProject(change);
    case 'cleanup': {
      if (change.kind === 'REMOVE') return { type: 'none', reason: 'cleanup finished' };
      const item = change.newImage!;
      return {
        type: 'cleanup-step',
        tenantId: requiredString(item, 'tenantId', 'cleanup'),
        projectId: requiredString(item, 'projectId', 'cleanup'),
      };
    }
    default:
      // Items without an entity are not ours (Powertools' idempotency records); activity entries
      // and the like are ours but derived. The stream filter keeps both away on AWS.
      if (change.entity === undefined || NOT_CONSUMED.includes(change.entity)) {
        return { type: 'none', reason: `entity ${change.entity ?? '(none)'} is not consumed` };
      }
      throw new UnprocessableRecordError(
        'unknown-entity',
        `item of an entity this consumer does not know: ${JSON.stringify(change.entity)}`,
      );
  }
}
