import type { ActivityEntry } from '@app/schema';
import { activityEntity, composeKey, keyPrefix } from '../entities.js';
import { queryPage, type Item, type Page, type TableContext } from '../table.js';
import type { ProjectRepository } from './projects.js';

function toActivityEntry(item: Item): ActivityEntry {
  return {
    id: item.id,
    projectId: item.projectId,
    type: item.type,
    ...(item.taskId !== undefined ? { taskId: item.taskId } : {}),
    ...(item.title !== undefined ? { title: item.title } : {}),
    ...(item.changes !== undefined ? { changes: item.changes } : {}),
    occurredAt: item.occurredAt,
  } as ActivityEntry;
}

/** Reads a project's activity feed (written by the stream consumer), newest first. */
export class ActivityRepository {
  constructor(
    private readonly ctx: TableContext,
    private readonly projects: ProjectRepository,
  ) {}

  async list(tenantId: string, projectId: string, page: { limit: number; cursor?: string }): Promise<Page<ActivityEntry>> {
    const [, result] = await Promise.all([
      this.projects.assertExists(tenantId, projectId),
      queryPage(this.ctx, {
        scope: 'activity',
        partition: { attribute: 'pk', value: composeKey(activityEntity.keys.pk, { tenantId, projectId }) },
        sortKey: { attribute: 'sk', beginsWith: keyPrefix(activityEntity.keys.sk) },
        keyAttributes: ['pk', 'sk'],
        descending: true,
        ...page,
      }),
    ]);
    return { items: result.items.map(toActivityEntry), nextCursor: result.nextCursor };
  }
}
