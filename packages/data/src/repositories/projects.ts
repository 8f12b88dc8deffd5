import type { Project, ProjectCreate, ProjectUpdate } from '@app/schema';
import { v7 as uuidv7 } from 'uuid';
import { composeKey, keyPrefix, projectEntity } from '../entities.js';
import { NotFoundError } from '../errors.js';
import { deleteVersioned, getItem, putNew, queryPage, updateVersioned, type Item, type Page, type TableContext } from '../table.js';

/**
 * Optimistic concurrency, checked by the write itself (one conditional request, so no other
 * writer can slip in between a check and the write).
 */
export interface WriteOptions {
  /** Write only if the item is at one of these versions (If-Match); an empty list never matches. */
  versionIn?: readonly number[];
  /** Write only if the item is at none of these versions (If-None-Match). */
  versionNotIn?: readonly number[];
}

const projectRef = (tenantId: string, projectId: string) => ({
  entity: projectEntity.name,
  id: projectId,
  key: {
    pk: composeKey(projectEntity.keys.pk, { tenantId }),
    sk: composeKey(projectEntity.keys.sk, { projectId }),
  },
});

/** The stored item minus keys and bookkeeping: exactly the API's Project shape. */
function toProject(item: Item): Project {
  return {
    id: item.id,
    name: item.name,
    ...(item.description !== undefined ? { description: item.description } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    version: item.version,
    taskCounts: item.taskCounts,
  } as Project;
}

export class ProjectRepository {
  constructor(private readonly ctx: TableContext) {}

  async create(tenantId: string, input: ProjectCreate): Promise<Project> {
    const ref = projectRef(tenantId, uuidv7());
    const now = (this.ctx.now?.() ?? new Date()).toISOString();
    const item: Item = {
      ...ref.key,
      entity: projectEntity.name,
      tenantId,
      id: ref.id,
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      createdAt: now,
      updatedAt: now,
      version: 1,
      taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
    };
    await putNew(this.ctx, ref, item);
    return toProject(item);
  }

  async get(tenantId: string, projectId: string): Promise<Project> {
    const item = await getItem(this.ctx, projectRef(tenantId, projectId).key);
    if (!item) throw new NotFoundError('project', projectId);
    return toProject(item);
  }

  /** Throws NotFoundError unless the project exists for this tenant; child routes call it. */
  async assertExists(tenantId: string, projectId: string): Promise<void> {
    if (!(await getItem(this.ctx, projectRef(tenantId, projectId).key))) throw new NotFoundError('project', projectId);
  }

  async list(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<Project>> {
    const result = await queryPage(this.ctx, {
      scope: 'projects',
      partition: { attribute: 'pk', value: composeKey(projectEntity.keys.pk, { tenantId }) },
      sortKey: { attribute: 'sk', beginsWith: keyPrefix(projectEntity.keys.sk) },
      keyAttributes: ['pk', 'sk'],
      ...page,
    });
    return { items: result.items.map(toProject), nextCursor: result.nextCursor };
  }

  async update(tenantId: string, projectId: string, patch: ProjectUpdate, options: WriteOptions = {}): Promise<Project> {
    const item = await updateVersioned(this.ctx, {
      ...projectRef(tenantId, projectId),
      patch,
      mutable: projectEntity.mutable,
      ...options,
    });
    return toProject(item);
  }

  async delete(tenantId: string, projectId: string, options: WriteOptions = {}): Promise<void> {
    await deleteVersioned(this.ctx, { ...projectRef(tenantId, projectId), ...options });
  }
}
