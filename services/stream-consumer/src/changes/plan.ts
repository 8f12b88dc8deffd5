// What a change means for derived state, as data: which activity entry to write, how the
// project's task counts move, whether a project's partition must be emptied. Pure, so the
// rules are tested without a database.
import type { ActivityChange, CountsDelta } from '@app/data';
import { requiredString, type Change, type Image } from './decode.js';

export type Effect =
  | { type: 'none'; reason: string }
  | {
      type: 'record';
      tenantId: string;
      projectId: string;
      activity: ActivityChange;
      counts: CountsDelta;
      /** A task created under a project that no longer exists is deleted. */
      orphan?: { pk: string; sk: string };
    }
  | { type: 'start-cleanup'; tenantId: string; projectId: string; requestedAt: string }
  | { type: 'cleanup-step'; tenantId: string; projectId: string };

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

function planTask(change: Change): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId');
  const projectId = requiredString(item, 'projectId');
  const taskId = requiredString(item, 'id');
  const base = { eventId: change.eventId, occurredAt: occurredAt(change), taskId };
  switch (change.kind) {
    case 'INSERT': {
      const status = requiredString(change.newImage, 'status');
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.created', title: requiredString(change.newImage, 'title') },
        counts: { total: 1, [status]: 1 },
        orphan: change.keys,
      };
    }
    case 'MODIFY': {
      const changes = changedFields(TRACKED_FIELDS.task, change.oldImage ?? {}, change.newImage ?? {});
      if (Object.keys(changes).length === 0) return { type: 'none', reason: 'no tracked field changed' };
      const from = changes.status?.from;
      const to = changes.status?.to;
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.updated', title: requiredString(change.newImage, 'title'), changes },
        counts: from && to ? { [from]: -1, [to]: 1 } : {},
      };
    }
    case 'REMOVE': {
      const status = requiredString(change.oldImage, 'status');
      return {
        type: 'record',
        tenantId,
        projectId,
        activity: { ...base, type: 'task.deleted', title: requiredString(change.oldImage, 'title') },
        counts: { total: -1, [status]: -1 },
      };
    }
  }
}

function planProject(change: Change): Effect {
  const item = (change.newImage ?? change.oldImage)!;
  const tenantId = requiredString(item, 'tenantId');
  const projectId = requiredString(item, 'id');
  if (change.kind === 'INSERT') return { type: 'none', reason: 'a new project has nothing to derive' };
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
      title: requiredString(change.newImage, 'name'),
      changes,
    },
    counts: {},
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
      return { type: 'cleanup-step', tenantId: requiredString(item, 'tenantId'), projectId: requiredString(item, 'projectId') };
    }
    default:
      // Activity entries and anything else: the stream filter keeps them away on AWS.
      return { type: 'none', reason: `entity ${change.entity ?? '(none)'} is not consumed` };
  }
}
