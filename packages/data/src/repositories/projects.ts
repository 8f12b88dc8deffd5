import type { Project, ProjectCreate, ProjectUpdate } from '@app/schema';
import { createItem, deleteResource, getResource, listResources, updateResource, type PageRequest, type WriteOptions } from '../crud.js';
import { projectEntity } from '../entities/projects.js';
import type { Page, TableContext } from '../table.js';

/** A tenant's projects. Deleting one starts the cleanup of its partition (the stream consumer's). */
export class ProjectRepository {
  constructor(private readonly ctx: TableContext) {}

  create(tenantId: string, input: ProjectCreate): Promise<Project> {
    return createItem(this.ctx, projectEntity, { tenantId }, input);
  }

  get(tenantId: string, projectId: string): Promise<Project> {
    return getResource(this.ctx, projectEntity, { tenantId, id: projectId });
  }

  list(tenantId: string, page: PageRequest): Promise<Page<Project>> {
    return listResources(this.ctx, projectEntity, { tenantId }, page);
  }

  update(tenantId: string, projectId: string, patch: ProjectUpdate, options: WriteOptions = {}): Promise<Project> {
    return updateResource(this.ctx, projectEntity, { tenantId, id: projectId }, patch, options);
  }

  delete(tenantId: string, projectId: string, options: WriteOptions = {}): Promise<void> {
    return deleteResource(this.ctx, projectEntity, { tenantId, id: projectId }, options);
  }
}
