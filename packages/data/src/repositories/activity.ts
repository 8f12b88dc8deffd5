import type { ActivityEntry } from '@app/schema';
import { listResources, type PageRequest } from '../crud.js';
import { activityEntity } from '../entities/activity.js';
import type { Page, TableContext } from '../table.js';

/** Reads a project's activity feed (written by the stream consumer), newest first. */
export class ActivityRepository {
  constructor(private readonly ctx: TableContext) {}

  list(tenantId: string, projectId: string, page: PageRequest): Promise<Page<ActivityEntry>> {
    return listResources(this.ctx, activityEntity, { tenantId, parentId: projectId }, page, { descending: true });
  }
}
