import { childPartition, type EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';
import { projectEntity } from './projects.js';

/**
 * A project's task counts, in `PROJECT_COUNT_SHARDS` items of their own partitions, none of them
 * the tenant's (where the project's item is) nor the project's (where its tasks are): a task is
 * counted in the shard of its id (countShardOf), by the stream consumer, in the same transaction
 * as its counted-task entry; GET /projects/{id} sums the shards. Each item holds the counts as
 * numbers (`total` and one per status) and a `revision` that every change of them moves, so that
 * the recount writes a shard only from the revision it read. Why shards, and why two:
 * docs/scale.md.
 */
export const projectCountsEntity = {
  name: 'project-counts',
  parent: projectEntity,
  keys: {
    pk: childPartition(projectEntity, label('COUNTS'), attr('shard')),
    sk: [label('COUNTS')],
  },
} as const satisfies EntityDeclaration;

/** How many count items a project has (docs/scale.md: each takes at most 500 counted changes a second). */
export const PROJECT_COUNT_SHARDS = 2;

/** The shard a task is counted in: a hash of its id (FNV-1a), so that a task stays in one shard for life. */
export function countShardOf(taskId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < taskId.length; i++) hash = Math.imul(hash ^ taskId.charCodeAt(i), 0x01000193) >>> 0;
  return String(hash % PROJECT_COUNT_SHARDS);
}

/** Every shard of a project's counts. */
export const countShards = (): string[] => Array.from({ length: PROJECT_COUNT_SHARDS }, (_, i) => String(i));
