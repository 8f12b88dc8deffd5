// The recount against the embedded DynamoDB: drift found, reported and repaired, and counts that
// end exact when the stream consumer (here its writer, called as the consumer would) applies
// changes while the recount runs.
import { startTestDatabase, type TestDatabase } from '@app/testing';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Task, TaskStatus } from '@app/schema';
import {
  composeKey,
  keyPrefix,
  createRepositories,
  ProjectionWriter,
  projectEntity,
  recount,
  taskEntity,
  type RecountOptions,
  type Repositories,
} from '../src/index.js';

let database: TestDatabase;
let repos: Repositories;
let writer: ProjectionWriter;
let tenantCount = 0;

beforeAll(async () => {
  database = await startTestDatabase();
  repos = createRepositories({ client: database.client, tableName: database.tableName, cursorSecret: 'test-cursor-secret-0123456789' });
  writer = new ProjectionWriter({ client: database.client, tableName: database.tableName }, { activityTtlSeconds: 86_400 });
});
afterAll(async () => database.stop());

/** A tenant of its own per test, so that a recount of a tenant sees only that test's projects. */
const newTenant = () => `tenant:recount-${++tenantCount}-${Date.now()}`;
const ctx = () => ({ client: database.client, tableName: database.tableName });
const run = (options: RecountOptions) => recount(ctx(), { settleMs: 0, ...options });
const counts = async (tenantId: string, projectId: string) => (await repos.projects.get(tenantId, projectId)).taskCounts;
const taskKey = (tenantId: string, projectId: string, taskId: string) => ({
  pk: composeKey(taskEntity.keys.pk, { tenantId, projectId }),
  sk: composeKey(taskEntity.keys.sk, { taskId }),
});
const projectKey = (tenantId: string, projectId: string) => ({
  pk: composeKey(projectEntity.keys.pk, { tenantId }),
  sk: composeKey(projectEntity.keys.sk, { projectId }),
});

let eventCount = 0;
/** What the consumer does with the record of a task's creation, change of status or deletion. */
const consume = (tenantId: string, task: Pick<Task, 'id' | 'projectId'>, status: TaskStatus | null, previous: TaskStatus | null) =>
  writer.applyChange(
    tenantId,
    task.projectId,
    { eventId: `recount-event-${++eventCount}`, occurredAt: new Date().toISOString(), type: 'task.created', taskId: task.id, title: 't' },
    { taskId: task.id, status, previous },
  );

/** A project with tasks of these statuses, created through the API's repositories and counted by the consumer. */
async function projectWith(tenantId: string, statuses: TaskStatus[]) {
  const project = await repos.projects.create(tenantId, { name: 'Recounted' });
  await writer.registerTenant(tenantId);
  const tasks: Task[] = [];
  for (const status of statuses) {
    const task = await repos.tasks.create(tenantId, project.id, { title: 't', status });
    await consume(tenantId, task, status, null);
    tasks.push(task);
  }
  return { project, tasks };
}

async function editCounter(tenantId: string, projectId: string, total: number) {
  await database.client.send(
    new UpdateCommand({
      TableName: database.tableName,
      Key: projectKey(tenantId, projectId),
      UpdateExpression: 'SET taskCounts.#total = :total',
      ExpressionAttributeNames: { '#total': 'total' },
      ExpressionAttributeValues: { ':total': total },
    }),
  );
}

describe('recount', () => {
  it('reports nothing for a project whose counts hold its tasks', async () => {
    const tenantId = newTenant();
    await projectWith(tenantId, ['open', 'done']);

    const report = await run({ tenantId });

    expect(report).toEqual({ dryRun: false, projects: 1, drift: [], unreadable: [], missing: [], complete: true });
  });

  it('repairs a counter edited by hand, reports it, and finds nothing the second time', async () => {
    // Prepare
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open', 'in_progress']);
    await editCounter(tenantId, project.id, 7);
    const version = (await repos.projects.get(tenantId, project.id)).version;

    // Act
    const first = await run({ tenantId, projectId: project.id });
    const second = await run({ tenantId, projectId: project.id });

    // Assess
    expect(first.drift).toEqual([
      {
        tenantId,
        projectId: project.id,
        stored: { total: 7, open: 1, in_progress: 1, done: 0 },
        actual: { total: 2, open: 1, in_progress: 1, done: 0 },
        tasks: 0,
        repaired: true,
      },
    ]);
    expect(await repos.projects.get(tenantId, project.id)).toMatchObject({
      taskCounts: { total: 2, open: 1, in_progress: 1, done: 0 },
      version: version + 1,
    });
    expect(second.drift).toEqual([]);
  });

  it('uncounts a task deleted straight from the table while the consumer was stopped, once', async () => {
    // Prepare: the deletion's record never reaches the consumer before the recount
    const tenantId = newTenant();
    const { project, tasks } = await projectWith(tenantId, ['open', 'done']);
    await database.client.send(new DeleteCommand({ TableName: database.tableName, Key: taskKey(tenantId, project.id, tasks[1]!.id) }));

    // Act
    const report = await run({ tenantId });
    // The consumer starts again and applies the deletion's record after all.
    await consume(tenantId, tasks[1]!, null, 'done');

    // Assess
    expect(report.drift).toEqual([expect.objectContaining({ stored: { total: 2, open: 1, in_progress: 0, done: 1 }, tasks: 1 })]);
    expect(await counts(tenantId, project.id)).toEqual({ total: 1, open: 1, in_progress: 0, done: 0 });
  });

  it('counts a task whose creation the consumer never applied (a record sent to the on-failure destination)', async () => {
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    await repos.tasks.create(tenantId, project.id, { title: 'missed', status: 'done' });

    const report = await run({ tenantId });

    expect(report.drift).toEqual([expect.objectContaining({ actual: { total: 2, open: 1, in_progress: 0, done: 1 }, tasks: 1 })]);
    expect(await counts(tenantId, project.id)).toEqual({ total: 2, open: 1, in_progress: 0, done: 1 });
  });

  it('changes nothing in a dry run, and reports what it would repair', async () => {
    // Prepare
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    await repos.tasks.create(tenantId, project.id, { title: 'missed' });
    const before = await repos.projects.get(tenantId, project.id);

    // Act
    const report = await run({ tenantId, dryRun: true });

    // Assess
    expect(report).toMatchObject({
      dryRun: true,
      drift: [{ stored: before.taskCounts, actual: { total: 2, open: 2, in_progress: 0, done: 0 }, tasks: 1, repaired: false }],
    });
    expect(await repos.projects.get(tenantId, project.id)).toEqual(before);
    expect((await run({ tenantId, dryRun: true })).drift).toHaveLength(1);
  });

  it('reports a task item it cannot read and does not count it, as the consumer does not', async () => {
    // Prepare: a task put straight into the table without a title
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    const key = taskKey(tenantId, project.id, 'no-title');
    await database.client.send(
      new PutCommand({
        TableName: database.tableName,
        Item: { ...key, entity: 'task', tenantId, projectId: project.id, id: 'no-title', status: 'open' },
      }),
    );

    // Act
    const report = await run({ tenantId });

    // Assess
    expect(report.unreadable).toEqual([{ tenantId, projectId: project.id, key, problem: 'task item without a string title' }]);
    expect(report.drift).toEqual([]);
    expect(await counts(tenantId, project.id)).toEqual({ total: 1, open: 1, in_progress: 0, done: 0 });
  });

  it('recounts every tenant on the list when none is named', async () => {
    const [a, b] = [newTenant(), newTenant()];
    const { project: first } = await projectWith(a, ['open']);
    const { project: second } = await projectWith(b, ['done']);
    await editCounter(a, first.id, 5);
    await editCounter(b, second.id, 5);

    const report = await run({});

    expect(report.drift.filter((d) => d.tenantId === a || d.tenantId === b).map((d) => d.projectId)).toEqual(
      expect.arrayContaining([first.id, second.id]),
    );
    expect(report.drift.filter((d) => d.tenantId === a || d.tenantId === b)).toHaveLength(2);
  });

  it('names a project that does not exist', async () => {
    const tenantId = newTenant();
    expect((await run({ tenantId, projectId: 'nope' })).missing).toEqual([{ tenantId, projectId: 'nope' }]);
  });

  it('stops before the next project when told to, and says it did not finish', async () => {
    const tenantId = newTenant();
    await projectWith(tenantId, []);
    await projectWith(tenantId, []);
    let asked = 0;

    const report = await run({ tenantId, shouldStop: () => ++asked > 1 });

    expect(report).toMatchObject({ projects: 1, complete: false });
  });

  it('needs the tenant of a named project', async () => {
    await expect(run({ projectId: 'p' })).rejects.toThrow(TypeError);
  });
});

describe('recount while the consumer applies changes', () => {
  it('leaves a creation the consumer applies while the recount waits to the consumer, and does not call it drift', async () => {
    // Prepare: a task created, its record not applied yet
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    const created = await repos.tasks.create(tenantId, project.id, { title: 'in flight' });

    // Act: the consumer applies it while the recount lets the difference settle
    const report = await run({ tenantId, settleMs: 1, sleep: async () => void (await consume(tenantId, created, 'open', null)) });

    // Assess
    expect(report.drift).toEqual([]);
    expect(await counts(tenantId, project.id)).toEqual({ total: 2, open: 2, in_progress: 0, done: 0 });
  });

  it('ends exact when the consumer applies a creation only after the recount counted it', async () => {
    // Prepare
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    const created = await repos.tasks.create(tenantId, project.id, { title: 'late', status: 'in_progress' });

    // Act: the consumer is slower than the recount's wait
    await run({ tenantId });
    await consume(tenantId, created, 'in_progress', null);

    // Assess
    expect(await counts(tenantId, project.id)).toEqual({ total: 2, open: 1, in_progress: 1, done: 0 });
  });

  it('ends exact when a task is created and its creation applied between the recount reading the counts and writing them', async () => {
    // Prepare: drift to repair, and a client that lets a creation be applied right after the recount reads the project
    const tenantId = newTenant();
    const { project } = await projectWith(tenantId, ['open']);
    await editCounter(tenantId, project.id, 9);
    let raced = false;
    const client = {
      send: async (command: Parameters<typeof database.client.send>[0]) => {
        const result = await database.client.send(command as never);
        if (
          !raced &&
          command instanceof GetCommand &&
          (command.input.Key as { sk: string }).sk.startsWith(keyPrefix(projectEntity.keys.sk))
        ) {
          raced = true;
          const task = await repos.tasks.create(tenantId, project.id, { title: 'meanwhile' });
          await consume(tenantId, task, 'open', null);
        }
        return result;
      },
    } as unknown as typeof database.client;

    // Act
    const report = await recount({ client, tableName: database.tableName }, { tenantId, settleMs: 0 });

    // Assess: the first write failed on the version the creation moved, the second counted both tasks
    expect(raced).toBe(true);
    expect(report.drift).toEqual([expect.objectContaining({ actual: { total: 2, open: 2, in_progress: 0, done: 0 }, repaired: true })]);
    expect(await counts(tenantId, project.id)).toEqual({ total: 2, open: 2, in_progress: 0, done: 0 });
  });

  it('ends exact when a task is deleted, and its deletion applied, while the recount waits on a difference', async () => {
    // Prepare: a task the consumer never counted, and another that will be deleted meanwhile
    const tenantId = newTenant();
    const { project, tasks } = await projectWith(tenantId, ['open', 'done']);
    await repos.tasks.create(tenantId, project.id, { title: 'missed' });

    // Act
    await run({
      tenantId,
      settleMs: 1,
      sleep: async () => {
        await repos.tasks.delete(tenantId, project.id, tasks[1]!.id);
        await consume(tenantId, tasks[1]!, null, 'done');
      },
    });

    // Assess
    expect(await counts(tenantId, project.id)).toEqual({ total: 2, open: 2, in_progress: 0, done: 0 });
  });
});
