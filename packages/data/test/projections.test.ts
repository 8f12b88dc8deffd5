// The stream consumer's writes (ProjectionWriter) against the embedded DynamoDB: each is safe
// to repeat, and all of a change's effects land together or not at all.
import { startTestDatabase, type TestDatabase } from '@app/testing';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cleanupEntity,
  composeKey,
  countedTaskEntity,
  countShardOf,
  createRepositories,
  keyOf,
  ProjectionWriter,
  projectCountsEntity,
  taskEntity,
  type ActivityChange,
  type Repositories,
} from '../src/index.js';

let database: TestDatabase;
let repos: Repositories;
let writer: ProjectionWriter;
const TENANT = 'tenant:projections';
const ACTIVITY_TTL_SECONDS = 90 * 86_400;

beforeAll(async () => {
  database = await startTestDatabase();
  repos = createRepositories({ client: database.client, tableName: database.tableName, cursorSecret: 'test-cursor-secret-0123456789' });
  writer = new ProjectionWriter({ client: database.client, tableName: database.tableName }, { activityTtlSeconds: ACTIVITY_TTL_SECONDS });
});
afterAll(async () => database.stop());

let eventCount = 0;
const created = (taskId: string, title = 'Task'): ActivityChange => ({
  eventId: `event-${++eventCount}`,
  occurredAt: `2026-05-01T10:00:${String(eventCount % 60).padStart(2, '0')}.000Z`,
  type: 'task.created',
  taskId,
  title,
});
const partitionItems = async (projectId: string) =>
  (
    await database.client.send(
      new QueryCommand({
        TableName: database.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': composeKey(taskEntity.keys.pk, { tenantId: TENANT, projectId }) },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

const cleanupItem = async (projectId: string) =>
  (
    await database.client.send(
      new GetCommand({
        TableName: database.tableName,
        Key: { pk: composeKey(cleanupEntity.keys.pk, { tenantId: TENANT }), sk: composeKey(cleanupEntity.keys.sk, { projectId }) },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('ProjectionWriter.applyChange', () => {
  it("writes the change's activity entry and moves the project's counts, not its version (its ETag)", async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Counted' });

    // Act
    const result = await writer.applyChange(TENANT, project.id, created('t1', 'First'), { taskId: 't1', status: 'open', previous: null });

    // Assess
    expect(result).toBe('applied');
    expect(await repos.projects.get(TENANT, project.id)).toMatchObject({
      version: 1,
      taskCounts: { total: 1, open: 1, in_progress: 0, done: 0 },
    });
    const [entry] = (await repos.activity.list(TENANT, project.id, { limit: 10 })).items;
    expect(entry).toEqual({
      id: `event-${eventCount}`,
      projectId: project.id,
      type: 'task.created',
      taskId: 't1',
      title: 'First',
      occurredAt: expect.any(String),
    });
  });

  it('changes nothing the second time the same change arrives', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Replayed' });
    const change = created('t1');
    await writer.applyChange(TENANT, project.id, change, { taskId: 't1', status: 'open', previous: null });

    // Act
    const again = await writer.applyChange(TENANT, project.id, change, { taskId: 't1', status: 'open', previous: null });

    // Assess
    expect(again).toBe('duplicate');
    expect(await repos.projects.get(TENANT, project.id)).toMatchObject({ taskCounts: { total: 1, open: 1 } });
    expect((await repos.activity.list(TENANT, project.id, { limit: 10 })).items).toHaveLength(1);
  });

  it('writes nothing for a project that no longer exists', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Gone' });
    await repos.projects.delete(TENANT, project.id);

    // Act
    const result = await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'open', previous: null });

    // Assess
    expect(result).toBe('project-missing');
    expect(await partitionItems(project.id)).toEqual([]);
  });

  it("records a change without counts and leaves the project's version alone", async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Renamed' });

    // Act
    const result = await writer.applyChange(TENANT, project.id, {
      eventId: 'rename-1',
      occurredAt: '2026-05-02T00:00:00.000Z',
      type: 'project.updated',
      title: 'Renamed',
      changes: { name: { from: 'Old', to: 'Renamed' } },
    });

    // Assess
    expect(result).toBe('applied');
    expect((await repos.projects.get(TENANT, project.id)).version).toBe(1);
    expect((await repos.activity.list(TENANT, project.id, { limit: 10 })).items).toEqual([
      expect.objectContaining({ type: 'project.updated', changes: { name: { from: 'Old', to: 'Renamed' } } }),
    ]);
  });

  it('expires activity entries through the TTL attribute, the configured time after the change', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Expiring' });
    const change = created('t1');

    // Act
    await writer.applyChange(TENANT, project.id, change);

    // Assess
    const [item] = (await partitionItems(project.id)).filter((i) => i.entity === 'activity');
    expect(item!.expiresAt).toBe(Date.parse(change.occurredAt) / 1000 + ACTIVITY_TTL_SECONDS);
  });
});

describe('ProjectionWriter.applyChange: what is counted of each task', () => {
  const countedEntry = async (projectId: string, taskId: string) =>
    (
      await database.client.send(
        new GetCommand({
          TableName: database.tableName,
          Key: {
            pk: composeKey(countedTaskEntity.keys.pk, { tenantId: TENANT, projectId }),
            sk: composeKey(countedTaskEntity.keys.sk, { taskId }),
          },
          ConsistentRead: true,
        }),
      )
    ).Item;
  const counts = async (projectId: string) => (await repos.projects.get(TENANT, projectId)).taskCounts;

  it('keeps, with the counts, the status each task is counted under', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Entries' });

    // Act
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'open', previous: null });

    // Assess
    expect(await countedEntry(project.id, 't1')).toMatchObject({ entity: 'counted-task', taskId: 't1', status: 'open', revision: 1 });
  });

  it("moves a task from the status its entry holds, whatever the record's previous status says", async () => {
    // Prepare: counted as done (a recount saw it done before its records arrived)
    const project = await repos.projects.create(TENANT, { name: 'By entry' });
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'done', previous: null });

    // Act
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'in_progress', previous: 'open' });

    // Assess
    expect(await counts(project.id)).toEqual({ total: 1, open: 0, in_progress: 1, done: 0 });
  });

  it('takes a task without an entry (counted before entries existed) to be counted under its previous status', async () => {
    // Prepare: counts as an earlier version of the consumer left them, without entries
    const project = await repos.projects.create(TENANT, { name: 'Legacy' });
    await writer.applyChange(TENANT, project.id, created('t0'), { taskId: 't0', status: 'open', previous: null });
    await database.client.send(
      new UpdateCommand({
        TableName: database.tableName,
        Key: keyOf(projectCountsEntity, { tenantId: TENANT, projectId: project.id, shard: countShardOf('legacy') }),
        UpdateExpression: 'ADD #total :one, #open :one',
        ExpressionAttributeNames: { '#total': 'total', '#open': 'open' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );

    // Act
    await writer.applyChange(TENANT, project.id, created('legacy'), { taskId: 'legacy', status: 'done', previous: 'open' });

    // Assess
    expect(await counts(project.id)).toEqual({ total: 2, open: 1, in_progress: 0, done: 1 });
  });

  it('uncounts a deleted task once and leaves a tombstone that expires', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Tombstone' });
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'open', previous: null });

    // Act: the deletion, then another record of the same deletion (as a recount would have counted it)
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: null, previous: 'open' });
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: null, previous: 'open' });

    // Assess
    expect(await counts(project.id)).toEqual({ total: 0, open: 0, in_progress: 0, done: 0 });
    const tombstone = await countedEntry(project.id, 't1');
    expect(tombstone).not.toHaveProperty('status');
    expect(tombstone!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 2 * 86_400);
  });

  it('starts again from what a recount wrote when it moved the entry between the read and the write', async () => {
    // Prepare: a client that lets a "recount" move the entry right after the writer reads it
    const project = await repos.projects.create(TENANT, { name: 'Raced' });
    await writer.applyChange(TENANT, project.id, created('t1'), { taskId: 't1', status: 'open', previous: null });
    let raced = false;
    const client = {
      send: async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const result = await database.client.send(command as never);
        if (!raced && command instanceof GetCommand) {
          raced = true;
          const entry = (await countedEntry(project.id, 't1'))!;
          await database.client.send(new PutCommand({ TableName: database.tableName, Item: { ...entry, status: 'done', revision: 2 } }));
        }
        return result;
      },
    } as unknown as DynamoDBDocumentClient;
    const racedWriter = new ProjectionWriter({ client, tableName: database.tableName }, { activityTtlSeconds: ACTIVITY_TTL_SECONDS });

    // Act
    const result = await racedWriter.applyChange(TENANT, project.id, created('t1'), {
      taskId: 't1',
      status: 'in_progress',
      previous: 'open',
    });

    // Assess: moved from done (what the recount wrote; its count repair comes after), not from open
    expect(result).toBe('applied');
    expect(await counts(project.id)).toEqual({ total: 1, open: 1, in_progress: 1, done: -1 });
    expect(await countedEntry(project.id, 't1')).toMatchObject({ status: 'in_progress', revision: 3 });
  });
});

describe('ActivityRepository.list', () => {
  it('serves the feed newest first, in pages', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Feed' });
    for (const second of ['01', '02', '03']) {
      await writer.applyChange(TENANT, project.id, {
        eventId: `feed-${second}`,
        occurredAt: `2026-06-01T00:00:${second}.000Z`,
        type: 'task.created',
        taskId: second,
        title: second,
      });
    }

    // Act
    const first = await repos.activity.list(TENANT, project.id, { limit: 2 });
    const second = await repos.activity.list(TENANT, project.id, { limit: 2, cursor: first.nextCursor! });

    // Assess
    expect(first.items.map((e) => e.id)).toEqual(['feed-03', 'feed-02']);
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'feed-01' })], nextCursor: null });
  });

  it("is a NotFoundError for another tenant's project", async () => {
    const project = await repos.projects.create(TENANT, { name: 'Private feed' });
    await expect(repos.activity.list('tenant:other', project.id, { limit: 10 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ProjectionWriter cleanup', () => {
  it("empties a deleted project's partition in steps of at most the given size, then removes its cleanup item", async () => {
    // Prepare: a project with 7 tasks, deleted
    const project = await repos.projects.create(TENANT, { name: 'Doomed' });
    for (let i = 0; i < 7; i++) await repos.tasks.create(TENANT, project.id, { title: `t${i}` });
    await repos.projects.delete(TENANT, project.id);
    await writer.startCleanup(TENANT, project.id, '2026-07-01T00:00:00.000Z');

    // Act
    const steps = [];
    for (let step = await writer.continueCleanup(TENANT, project.id, 3); ; step = await writer.continueCleanup(TENANT, project.id, 3)) {
      steps.push(step);
      if (step.done) break;
    }

    // Assess
    expect(steps).toEqual([
      { deleted: 3, done: false },
      { deleted: 3, done: false },
      { deleted: 1, done: true },
    ]);
    expect(await partitionItems(project.id)).toEqual([]);
  });

  it('records progress on the cleanup item between steps', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Progress' });
    for (let i = 0; i < 4; i++) await repos.tasks.create(TENANT, project.id, { title: `t${i}` });
    await writer.startCleanup(TENANT, project.id, '2026-07-01T00:00:00.000Z');

    // Act
    await writer.continueCleanup(TENANT, project.id, 2);

    // Assess
    expect(await cleanupItem(project.id)).toMatchObject({
      entity: 'cleanup',
      deleted: 2,
      steps: 1,
      requestedAt: '2026-07-01T00:00:00.000Z',
    });
  });

  it('starts a cleanup once: a redelivered removal keeps the progress made', async () => {
    // Prepare: a cleanup one step in
    const project = await repos.projects.create(TENANT, { name: 'Once' });
    for (let i = 0; i < 3; i++) await repos.tasks.create(TENANT, project.id, { title: `t${i}` });
    await writer.startCleanup(TENANT, project.id, '2026-07-01T00:00:00.000Z');
    await writer.continueCleanup(TENANT, project.id, 2);

    // Act
    await writer.startCleanup(TENANT, project.id, '2026-07-02T00:00:00.000Z');

    // Assess
    expect(await cleanupItem(project.id)).toMatchObject({ deleted: 2, steps: 1, requestedAt: '2026-07-01T00:00:00.000Z' });
  });

  it('deletes an orphaned task', async () => {
    // Prepare
    const key = {
      pk: composeKey(taskEntity.keys.pk, { tenantId: TENANT, projectId: 'p-gone' }),
      sk: composeKey(taskEntity.keys.sk, { taskId: 't-orphan' }),
    };
    await database.client.send(new PutCommand({ TableName: database.tableName, Item: { ...key, entity: 'task' } }));

    // Act
    await writer.deleteOrphan(key);

    // Assess
    expect((await database.client.send(new GetCommand({ TableName: database.tableName, Key: key }))).Item).toBeUndefined();
  });
});
