// How a project's tasks are counted: which task items count, under which status, and how a
// change of what is counted of one task moves the project's counts. Pure, and shared by the
// stream consumer (projections.ts) and the recount (recount.ts), so the two can never disagree
// on what a project's counts should be.
import { TASK_STATUSES, type TaskStatus } from '@app/schema';

export type TaskCounts = Record<'total' | TaskStatus, number>;
export type CountsDelta = Partial<TaskCounts>;

/** A task item as the counts see it, or why it cannot be read (such an item is not counted). */
export type TaskReading =
  | { readable: true; tenantId: string; projectId: string; taskId: string; title: string; status: TaskStatus }
  | { readable: false; problem: string };

const STATUSES: readonly string[] = TASK_STATUSES;

/**
 * Reads a task item (an image from the stream, or an item from a Query) with the attributes
 * every use of it needs: the keys' parts, a title for its activity entries, a known status.
 */
export function readTask(item: Record<string, unknown> | undefined): TaskReading {
  for (const attribute of ['tenantId', 'projectId', 'id', 'title', 'status'] as const) {
    const value = item?.[attribute];
    if (typeof value !== 'string' || value === '') return { readable: false, problem: `task item without a string ${attribute}` };
  }
  const { tenantId, projectId, id, title, status } = item as Record<string, string>;
  if (!STATUSES.includes(status!)) return { readable: false, problem: 'task item with a status that is not one of the task statuses' };
  return { readable: true, tenantId: tenantId!, projectId: projectId!, taskId: id!, title: title!, status: status as TaskStatus };
}

export const emptyCounts = (): TaskCounts => ({ total: 0, open: 0, in_progress: 0, done: 0 });

/** The counts of tasks counted under these statuses (null: not counted). */
export function countsOf(statuses: Iterable<TaskStatus | null>): TaskCounts {
  const counts = emptyCounts();
  for (const status of statuses) {
    if (status === null) continue;
    counts.total++;
    counts[status]++;
  }
  return counts;
}

/** What moving one task from being counted under `from` to `to` (null: not counted) does to the counts. */
export function countsDelta(from: TaskStatus | null, to: TaskStatus | null): CountsDelta {
  if (from === to) return {};
  const delta: CountsDelta = {};
  if (from !== null) delta[from] = -1;
  if (to !== null) delta[to] = 1;
  if (from === null) delta.total = 1;
  if (to === null) delta.total = -1;
  return delta;
}

export const sameCounts = (a: TaskCounts, b: TaskCounts): boolean =>
  a.total === b.total && TASK_STATUSES.every((status) => a[status] === b[status]);

/** Counts as stored on a project item; anything missing or not a number reads as 0. */
export function storedCounts(value: unknown): TaskCounts {
  const stored = (value ?? {}) as Record<string, unknown>;
  const counts = emptyCounts();
  for (const key of Object.keys(counts) as (keyof TaskCounts)[]) if (typeof stored[key] === 'number') counts[key] = stored[key];
  return counts;
}
