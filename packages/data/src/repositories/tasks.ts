import type { Task, TaskCreate, TaskStatus, TaskUpdate } from '@app/schema';
import { createItem, deleteResource, getResource, listResources, updateResource, type PageRequest, type WriteOptions } from '../crud.js';
import { taskEntity } from '../entities/tasks.js';
import type { Page, TableContext } from '../table.js';

/**
 * The tasks of a project, in the project's partition. Every operation needs the project to
 * exist for this tenant: a task of a missing (or deleted) project is a NotFoundError.
 */
export class TaskRepository {
  constructor(private readonly ctx: TableContext) {}

  create(tenantId: string, projectId: string, input: TaskCreate): Promise<Task> {
    return createItem(this.ctx, taskEntity, { tenantId, parentId: projectId }, input);
  }

  get(tenantId: string, projectId: string, taskId: string): Promise<Task> {
    return getResource(this.ctx, taskEntity, { tenantId, parentId: projectId, id: taskId });
  }

  /** One page of the project's tasks; with a status, only that status's tasks (the status index). */
  list(tenantId: string, projectId: string, page: PageRequest & { status?: TaskStatus }): Promise<Page<Task>> {
    const { status, ...rest } = page;
    const index = status ? ({ name: 'byStatus', values: { status } } as const) : undefined;
    return listResources(this.ctx, taskEntity, { tenantId, parentId: projectId }, rest, { index });
  }

  update(tenantId: string, projectId: string, taskId: string, patch: TaskUpdate, options: WriteOptions = {}): Promise<Task> {
    return updateResource(this.ctx, taskEntity, { tenantId, parentId: projectId, id: taskId }, patch, options);
  }

  delete(tenantId: string, projectId: string, taskId: string, options: WriteOptions = {}): Promise<void> {
    return deleteResource(this.ctx, taskEntity, { tenantId, parentId: projectId, id: taskId }, options);
  }
}
