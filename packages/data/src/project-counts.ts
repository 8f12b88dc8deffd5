// A project's task counts as the API shows them: the sum of its count shards
// (entities/project-counts.ts), which the stream consumer moves and the recount repairs.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { countShards, projectCountsEntity } from './entities/index.js';
import { keyOf, type Item } from './entity.js';
import type { TableContext } from './table.js';
import { emptyCounts, storedCounts, type TaskCounts } from './task-counts.js';

/** BatchGetItem's most keys per request. */
const BATCH_GET_LIMIT = 100;
/** Rounds of a BatchGetItem's unprocessed keys (throttling) before giving up. */
const BATCH_GET_ATTEMPTS = 5;

export const countShardKey = (tenantId: string, projectId: string, shard: string) =>
  keyOf(projectCountsEntity, { tenantId, projectId, shard });

/** The counts of one shard item (none yet: zeros). */
export const shardCounts = (item: Item | undefined): TaskCounts => (item ? storedCounts(item) : emptyCounts());

/**
 * The counts of each of a tenant's projects, summed over their shards: one BatchGetItem per 50
 * projects, eventually consistent (half the read units of a strong read: the counts trail the
 * tasks by the consumer's lag anyway).
 */
export async function readProjectCounts(
  ctx: TableContext,
  tenantId: string,
  projectIds: readonly string[],
): Promise<Map<string, TaskCounts>> {
  const counts = new Map(projectIds.map((projectId) => [projectId, emptyCounts()]));
  const keys = projectIds.flatMap((projectId) => countShards().map((shard) => countShardKey(tenantId, projectId, shard)));
  for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] = keys.slice(i, i + BATCH_GET_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > BATCH_GET_ATTEMPTS) throw new Error(`reading task counts left ${pending.length} keys unprocessed`);
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const { Responses, UnprocessedKeys } = await ctx.client.send(
        new BatchGetCommand({ RequestItems: { [ctx.tableName]: { Keys: pending, ConsistentRead: false } } }),
      );
      for (const item of Responses?.[ctx.tableName] ?? []) {
        const total = counts.get(item.projectId as string);
        if (!total || item.tenantId !== tenantId) continue;
        const shard = shardCounts(item);
        for (const key of Object.keys(total) as (keyof TaskCounts)[]) total[key] += shard[key];
      }
      pending = (UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Record<string, unknown>[];
    }
  }
  return counts;
}

/** The keys of every count shard of a project (deleted with it). */
export const countShardKeys = (tenantId: string, projectId: string) =>
  countShards().map((shard) => countShardKey(tenantId, projectId, shard));
