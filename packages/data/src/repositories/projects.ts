import type { Project, ProjectCreate, ProjectUpdate } from '@app/schema';
import { createItem, deleteResource, getResource, listResources, updateResource, type PageRequest, type WriteOptions } from '../crud.js';
import { projectEntity } from '../entities/projects.js';
import { allSettledFirst } from '../parallel.js';
import { countShardKeys, readProjectCounts } from '../project-counts.js';
import type { Page, TableContext } from '../table.js';
import { emptyCounts } from '../task-counts.js';

/**
 * A tenant's projects. Their task counts are kept apart from them (project-counts.ts), and added
 * to each representation here; so a task's change never moves a project's version (its ETag):
 * docs/scale.md. Deleting one deletes its counts, and starts the cleanup of its partition (the
 * stream consumer's).
 */
export class ProjectRepository {
  constructor(private readonly ctx: TableContext) {}

  async create(tenantId: string, input: ProjectCreate): Promise<Project> {
    const project = await createItem<Project>(this.ctx, projectEntity, { tenantId }, input);
    return { ...project, taskCounts: emptyCounts() };
  }

  async get(tenantId: string, projectId: string): Promise<Project> {
    const [project, counts] = await allSettledFirst([
      getResource<Project>(this.ctx, projectEntity, { tenantId, id: projectId }),
      readProjectCounts(this.ctx, tenantId, [projectId]),
    ]);
    return { ...project, taskCounts: counts.get(projectId)! };
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<Project>> {
    const result = await listResources<Project>(this.ctx, projectEntity, { tenantId }, page);
    const counts = await readProjectCounts(
      this.ctx,
      tenantId,
      result.items.map((project) => project.id),
    );
    return { ...result, items: result.items.map((project) => ({ ...project, taskCounts: counts.get(project.id)! })) };
  }

  async update(tenantId: string, projectId: string, patch: ProjectUpdate, options: WriteOptions = {}): Promise<Project> {
    const [project, counts] = await allSettledFirst([
      updateResource<Project>(this.ctx, projectEntity, { tenantId, id: projectId }, patch, options),
      readProjectCounts(this.ctx, tenantId, [projectId]),
    ]);
    return { ...project, taskCounts: counts.get(projectId)! };
  }

  delete(tenantId: string, projectId: string, options: WriteOptions = {}): Promise<void> {
    return deleteResource(this.ctx, projectEntity, { tenantId, id: projectId }, options, countShardKeys(tenantId, projectId));
  }
}
