// The two designs section 10 (scale) compares, as the same small interface: the task writes and
// reads of the API's data layer and the stream consumer's effect of one change.
//   - `current`: @app/data's repositories and the consumer's own plan and apply code
//     (services/stream-consumer/src/changes), as they are in this commit.
//   - `counterOnProject`: the design before issue 17, kept here as the baseline: every counted
//     change ran one transaction updating the project's item (its `taskCounts` and `version`),
//     and every project item of a tenant is in the tenant's partition; a task's creation checked
//     that item in its transaction, and every other task route read it. Written against the same
//     keys (the entity declarations), so the two differ only in where the counts and the
//     project's existence are kept.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import {
  activityEntity,
  childPartitionKey,
  composeKey,
  countedTaskEntity,
  countsDelta,
  createRepositories,
  keyOf,
  keyPrefix,
  projectEntity,
  ProjectionWriter,
  TABLE_INDEXES,
  taskEntity,
  toItem,
  type ActivityChange,
  type CountedChange,
  type TaskCounts,
} from '@app/data';
import type { TaskStatus } from '@app/schema';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { randomUUID as uuidv7 } from 'node:crypto';
import { CURSOR_SECRET } from './support/fixture.ts';
import { ROOT_DIR } from './support/processes.ts';

export type DesignName = 'counterOnProject' | 'current';

export interface Design {
  name: DesignName;
  createProject(tenantId: string, name: string): Promise<string>;
  createTask(tenantId: string, projectId: string, title: string): Promise<string>;
  setStatus(tenantId: string, projectId: string, taskId: string, status: TaskStatus): Promise<void>;
  deleteTask(tenantId: string, projectId: string, taskId: string): Promise<void>;
  /** What the stream consumer does with one record. */
  consume(record: DynamoDBRecord): Promise<void>;
  /** The project's counts as GET /projects/{id} shows them. */
  counts(tenantId: string, projectId: string): Promise<TaskCounts>;
  /** GET /projects/{id}/tasks, first page. */
  listTasks(tenantId: string, projectId: string, limit: number): Promise<number>;
  /** GET /projects, first page. */
  listProjects(tenantId: string, limit: number): Promise<number>;
}

interface Consumer {
  planChange(change: unknown): { type: string } & Record<string, unknown>;
  decodeRecord(record: DynamoDBRecord): unknown;
  applyEffect(effect: unknown, projections: unknown): Promise<string>;
}

const CONSUMER_CHANGES = join(ROOT_DIR, 'services', 'stream-consumer', 'src', 'changes');

/** The consumer's plan (pure) and apply steps, from its source. */
async function loadConsumer(): Promise<Consumer> {
  const load = (file: string) => import(pathToFileURL(join(CONSUMER_CHANGES, file)).href) as Promise<Record<string, unknown>>;
  const [plan, decode, apply] = await Promise.all([load('plan.ts'), load('decode.ts'), load('apply.ts')]);
  return { planChange: plan.planChange, decodeRecord: decode.decodeRecord, applyEffect: apply.applyEffect } as Consumer;
}

const ACTIVITY_TTL_SECONDS = 90 * 86_400;

export async function currentDesign(client: DynamoDBDocumentClient, tableName: string): Promise<Design> {
  const consumer = await loadConsumer();
  const repositories = createRepositories({ client, tableName, cursorSecret: CURSOR_SECRET });
  const writer = new ProjectionWriter({ client, tableName }, { activityTtlSeconds: ACTIVITY_TTL_SECONDS });
  return {
    name: 'current',
    createProject: async (tenantId, name) => (await repositories.projects.create(tenantId, { name })).id,
    createTask: async (tenantId, projectId, title) => (await repositories.tasks.create(tenantId, projectId, { title })).id,
    setStatus: async (tenantId, projectId, taskId, status) =>
      void (await repositories.tasks.update(tenantId, projectId, taskId, { status })),
    deleteTask: (tenantId, projectId, taskId) => repositories.tasks.delete(tenantId, projectId, taskId),
    consume: async (record) => void (await consumer.applyEffect(consumer.planChange(consumer.decodeRecord(record)), writer)),
    counts: async (tenantId, projectId) => (await repositories.projects.get(tenantId, projectId)).taskCounts as TaskCounts,
    listTasks: async (tenantId, projectId, limit) => (await repositories.tasks.list(tenantId, projectId, { limit })).items.length,
    listProjects: async (tenantId, limit) => (await repositories.projects.list(tenantId, { limit })).items.length,
  };
}

/** The design before issue 17 (see the top of this file). */
export async function counterOnProjectDesign(client: DynamoDBDocumentClient, tableName: string): Promise<Design> {
  const consumer = await loadConsumer();
  const projectKey = (tenantId: string, projectId: string) => keyOf(projectEntity, { tenantId, projectId });
  const taskKey = (tenantId: string, projectId: string, taskId: string) => keyOf(taskEntity, { tenantId, projectId, taskId });
  const countedKey = (tenantId: string, projectId: string, taskId: string) => keyOf(countedTaskEntity, { tenantId, projectId, taskId });
  const statusIndexKey = (tenantId: string, projectId: string, status: TaskStatus) =>
    composeKey(taskEntity.indexes.byStatus.pk, { tenantId, projectId, status });
  const assertProject = async (tenantId: string, projectId: string) => {
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: projectKey(tenantId, projectId), ConsistentRead: true }),
    );
    if (!Item) throw new Error(`project ${projectId} not found`);
    return Item;
  };

  /** The consumer's transaction as it was: activity entry, the project's counts and version, the counted-task entry. */
  async function applyChange(tenantId: string, projectId: string, activity: ActivityChange, counted?: CountedChange) {
    let delta: Partial<TaskCounts> = {};
    let countedPut: { TableName: string; Item: Record<string, unknown>; ConditionExpression: string } | undefined;
    if (counted) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: countedKey(tenantId, projectId, counted.taskId), ConsistentRead: true }),
      );
      const from = Item ? ((Item.status as TaskStatus | undefined) ?? null) : counted.previous;
      if (from !== counted.status) {
        delta = countsDelta(from, counted.status);
        const revision = Number(Item?.revision ?? 0);
        countedPut = {
          TableName: tableName,
          Item: {
            ...countedKey(tenantId, projectId, counted.taskId),
            entity: countedTaskEntity.name,
            status: counted.status,
            revision: revision + 1,
          },
          ConditionExpression: Item ? '#r = :r' : 'attribute_not_exists(pk)',
          ...(Item ? { ExpressionAttributeNames: { '#r': 'revision' }, ExpressionAttributeValues: { ':r': revision } } : {}),
        };
      }
    }
    const { eventId, ...rest } = activity;
    const entry = toItem(activityEntity, tenantId, { ...rest, id: eventId, projectId });
    const moves = Object.entries(delta).filter(([, n]) => n !== 0);
    const names: Record<string, string> = { '#c': 'taskCounts', '#v': 'version' };
    const values: Record<string, number> = { ':one': 1 };
    const set = moves.map(([field, n], i) => {
      names[`#f${i}`] = field;
      values[`:d${i}`] = n!;
      return `#c.#f${i} = #c.#f${i} + :d${i}`;
    });
    const project = moves.length
      ? {
          Update: {
            TableName: tableName,
            Key: projectKey(tenantId, projectId),
            UpdateExpression: `SET ${set.join(', ')}, #v = #v + :one`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        }
      : { ConditionCheck: { TableName: tableName, Key: projectKey(tenantId, projectId), ConditionExpression: 'attribute_exists(pk)' } };
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: entry, ConditionExpression: 'attribute_not_exists(pk)' } },
            project,
            ...(countedPut ? [{ Put: countedPut }] : []),
          ],
        }),
      );
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') return; // a redelivered record
      throw error;
    }
  }

  const projections = { applyChange, registerTenant: async () => undefined };
  return {
    name: 'counterOnProject',
    async createProject(tenantId, name) {
      const projectId = uuidv7();
      const now = new Date().toISOString();
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: toItem(projectEntity, tenantId, {
            id: projectId,
            name,
            createdAt: now,
            updatedAt: now,
            version: 1,
            taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
          }),
        }),
      );
      return projectId;
    },
    async createTask(tenantId, projectId, title) {
      const taskId = uuidv7();
      const now = new Date().toISOString();
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: tableName, Key: projectKey(tenantId, projectId), ConditionExpression: 'attribute_exists(pk)' } },
            {
              Put: {
                TableName: tableName,
                Item: toItem(taskEntity, tenantId, {
                  id: taskId,
                  projectId,
                  title,
                  status: 'open',
                  createdAt: now,
                  updatedAt: now,
                  version: 1,
                }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return taskId;
    },
    async setStatus(tenantId, projectId, taskId, status) {
      await assertProject(tenantId, projectId);
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: taskKey(tenantId, projectId, taskId),
          UpdateExpression: 'SET #s = :s, #g = :g, #u = :u, #v = #v + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#s': 'status', '#g': TABLE_INDEXES.byStatus.pk, '#u': 'updatedAt', '#v': 'version' },
          ExpressionAttributeValues: {
            ':s': status,
            ':g': statusIndexKey(tenantId, projectId, status),
            ':u': new Date().toISOString(),
            ':one': 1,
          },
        }),
      );
    },
    async deleteTask(tenantId, projectId, taskId) {
      await assertProject(tenantId, projectId);
      await client.send(
        new DeleteCommand({ TableName: tableName, Key: taskKey(tenantId, projectId, taskId), ConditionExpression: 'attribute_exists(pk)' }),
      );
    },
    consume: async (record) => void (await consumer.applyEffect(consumer.planChange(consumer.decodeRecord(record)), projections)),
    counts: async (tenantId, projectId) => (await assertProject(tenantId, projectId)).taskCounts as TaskCounts,
    async listTasks(tenantId, projectId, limit) {
      await assertProject(tenantId, projectId);
      return query(childPartitionKey(projectEntity, { tenantId, id: projectId }), keyPrefix(taskEntity.keys.sk), limit);
    },
    listProjects: (tenantId, limit) => query(composeKey(projectEntity.keys.pk, { tenantId }), keyPrefix(projectEntity.keys.sk), limit),
  };

  async function query(pk: string, prefix: string, limit: number): Promise<number> {
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        Limit: limit + 1,
        ConsistentRead: true,
      }),
    );
    return Math.min(Items.length, limit);
  }
}
