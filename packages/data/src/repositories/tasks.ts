import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Task, TaskCreate, TaskStatus, TaskUpdate } from '@app/schema';
import { v7 as uuidv7 } from 'uuid';
import { composeKey, keyPrefix, projectEntity, TABLE_INDEXES, taskEntity } from '../entities.js';
import { ConflictError, NotFoundError } from '../errors.js';
import {
  cancellationCodes,
  deleteVersioned,
  ExpressionBuilder,
  getItem,
  queryPage,
  updateVersioned,
  type Item,
  type Page,
  type TableContext,
} from '../table.js';
import type { ProjectRepository, WriteOptions } from './projects.js';

const taskRef = (tenantId: string, projectId: string, taskId: string) => ({
  entity: taskEntity.name,
  id: taskId,
  key: {
    pk: composeKey(taskEntity.keys.pk, { tenantId, projectId }),
    sk: composeKey(taskEntity.keys.sk, { taskId }),
  },
});

const statusPartition = (tenantId: string, projectId: string, status: TaskStatus) =>
  composeKey(taskEntity.keys.gsi1pk, { tenantId, projectId, status });

function toTask(item: Item): Task {
  return {
    id: item.id,
    projectId: item.projectId,
    title: item.title,
    ...(item.description !== undefined ? { description: item.description } : {}),
    status: item.status,
    ...(item.dueDate !== undefined ? { dueDate: item.dueDate } : {}),
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    version: item.version,
  } as Task;
}

/**
 * Tasks live in their project's partition. Every operation checks that the project exists
 * for this tenant, so a task of a missing (or deleted) project is a NotFoundError.
 */
export class TaskRepository {
  constructor(
    private readonly ctx: TableContext,
    private readonly projects: ProjectRepository,
  ) {}

  /**
   * One transaction: the project must exist (for this tenant) when the task is written, so a
   * task can never be created under a project that a concurrent request is deleting.
   */
  async create(tenantId: string, projectId: string, input: TaskCreate): Promise<Task> {
    const ref = taskRef(tenantId, projectId, uuidv7());
    const now = (this.ctx.now?.() ?? new Date()).toISOString();
    const status: TaskStatus = input.status ?? 'open';
    const requestId = this.ctx.requestId;
    const item: Item = {
      ...ref.key,
      gsi1pk: statusPartition(tenantId, projectId, status),
      gsi1sk: composeKey(taskEntity.keys.gsi1sk, { taskId: ref.id }),
      entity: taskEntity.name,
      tenantId,
      id: ref.id,
      projectId,
      title: input.title,
      ...(input.description !== undefined ? { description: input.description } : {}),
      status,
      ...(input.dueDate !== undefined ? { dueDate: input.dueDate } : {}),
      createdAt: now,
      updatedAt: now,
      version: 1,
      ...(requestId ? { lastRequestId: requestId } : {}),
    };
    const projectKey = { pk: composeKey(projectEntity.keys.pk, { tenantId }), sk: composeKey(projectEntity.keys.sk, { projectId }) };
    const exists = new ExpressionBuilder();
    const fresh = new ExpressionBuilder();
    try {
      await this.ctx.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.ctx.tableName,
                Key: projectKey,
                ConditionExpression: `attribute_exists(${exists.name('pk')})`,
                ...exists.attributes,
              },
            },
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: item,
                ConditionExpression: `attribute_not_exists(${fresh.name('pk')})`,
                ...fresh.attributes,
              },
            },
          ],
        }),
      );
    } catch (error) {
      const [project, task] = cancellationCodes(error) ?? [];
      if (project === 'ConditionalCheckFailed') throw new NotFoundError('project', projectId);
      if (task === 'ConditionalCheckFailed') throw new ConflictError(`task ${ref.id} already exists`, { cause: error });
      throw error;
    }
    return toTask(item);
  }

  async get(tenantId: string, projectId: string, taskId: string): Promise<Task> {
    const [, item] = await Promise.all([
      this.projects.assertExists(tenantId, projectId),
      getItem(this.ctx, taskRef(tenantId, projectId, taskId).key),
    ]);
    if (!item) throw new NotFoundError('task', taskId);
    return toTask(item);
  }

  async list(tenantId: string, projectId: string, page: { limit: number; cursor?: string; status?: TaskStatus }): Promise<Page<Task>> {
    const { status, ...rest } = page;
    // A status filter reads another key (gsi1), never a FilterExpression over the partition.
    const query = status
      ? {
          scope: `tasks:${status}`,
          indexName: TABLE_INDEXES.byStatus.name,
          partition: { attribute: 'gsi1pk', value: statusPartition(tenantId, projectId, status) },
          sortKey: { attribute: 'gsi1sk', beginsWith: keyPrefix(taskEntity.keys.gsi1sk) },
          keyAttributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
        }
      : {
          scope: 'tasks',
          partition: { attribute: 'pk', value: composeKey(taskEntity.keys.pk, { tenantId, projectId }) },
          sortKey: { attribute: 'sk', beginsWith: keyPrefix(taskEntity.keys.sk) },
          keyAttributes: ['pk', 'sk'],
        };
    const [, result] = await Promise.all([this.projects.assertExists(tenantId, projectId), queryPage(this.ctx, { ...query, ...rest })]);
    return { items: result.items.map(toTask), nextCursor: result.nextCursor };
  }

  async update(tenantId: string, projectId: string, taskId: string, patch: TaskUpdate, options: WriteOptions = {}): Promise<Task> {
    await this.projects.assertExists(tenantId, projectId);
    const item = await updateVersioned(this.ctx, {
      ...taskRef(tenantId, projectId, taskId),
      patch,
      mutable: taskEntity.mutable,
      // The status index key moves with the status.
      derived: patch.status ? { gsi1pk: statusPartition(tenantId, projectId, patch.status) } : {},
      ...options,
    });
    return toTask(item);
  }

  async delete(tenantId: string, projectId: string, taskId: string, options: WriteOptions = {}): Promise<void> {
    await this.projects.assertExists(tenantId, projectId);
    await deleteVersioned(this.ctx, { ...taskRef(tenantId, projectId, taskId), ...options });
  }
}
