// The stream consumer's writes (ProjectionWriter) against the embedded DynamoDB: each is safe
// to repeat, and all of a change's effects land together or not at all.
import { startTestDatabase, type TestDatabase } from '@app/testing';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cleanupEntity,
  composeKey,
  createRepositories,
  ProjectionWriter,
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
  it("writes the change's activity entry and moves the project's counts and version together", async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Counted' });

    // Act
    const result = await writer.applyChange(TENANT, project.id, created('t1', 'First'), { total: 1, open: 1 });

    // Assess
    expect(result).toBe('applied');
    expect(await repos.projects.get(TENANT, project.id)).toMatchObject({
      version: 2,
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
    await writer.applyChange(TENANT, project.id, change, { total: 1, open: 1 });

    // Act
    const again = await writer.applyChange(TENANT, project.id, change, { total: 1, open: 1 });

    // Assess
    expect(again).toBe('duplicate');
    expect(await repos.projects.get(TENANT, project.id)).toMatchObject({ version: 2, taskCounts: { total: 1, open: 1 } });
    expect((await repos.activity.list(TENANT, project.id, { limit: 10 })).items).toHaveLength(1);
  });

  it('writes nothing for a project that no longer exists', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Gone' });
    await repos.projects.delete(TENANT, project.id);

    // Act
    const result = await writer.applyChange(TENANT, project.id, created('t1'), { total: 1, open: 1 });

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
