// Integration tests of the repositories against the embedded DynamoDB (started here).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestDatabase, type TestDatabase } from '@app/testing';
import { createDynamoDBClient } from '@app/local-dynamodb';
import {
  childPartitionKey,
  composeKey,
  ConfigurationError,
  createRepositories,
  idempotencyEntity,
  InvalidCursorError,
  keyOf,
  NotFoundError,
  PreconditionFailedError,
  projectEntity,
  TABLE_INDEXES,
  TABLE_KEY,
  TABLE_TTL_ATTRIBUTE,
  taskEntity,
  type Repositories,
  type WriteOptions,
} from '../src/index.js';

let database: TestDatabase;
let repos: Repositories;

const repositoriesOf = (options: { now?: () => Date; cursorSecret?: string } = {}) =>
  createRepositories({ client: database.client, tableName: database.tableName, cursorSecret: 'test-cursor-secret-0123456789', ...options });

beforeAll(async () => {
  database = await startTestDatabase();
  repos = repositoriesOf();
});
afterAll(async () => database.stop());

describe('ProjectRepository', () => {
  it('creates a project with server-managed fields and reads it back', async () => {
    const created = await repos.projects.create('tenant-a', { name: 'Launch', description: 'Q3 launch' });
    expect(created).toMatchObject({
      name: 'Launch',
      description: 'Q3 launch',
      version: 1,
      taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(created.createdAt).toBe(created.updatedAt);
    expect(await repos.projects.get('tenant-a', created.id)).toEqual(created);
  });

  it('hides a project from every other tenant', async () => {
    const created = await repos.projects.create('tenant-a', { name: 'Private' });
    await expect(repos.projects.get('tenant-b', created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.projects.update('tenant-b', created.id, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.projects.delete('tenant-b', created.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await repos.projects.list('tenant-b', { limit: 100 })).items.map((p) => p.id)).not.toContain(created.id);
    expect(await repos.projects.get('tenant-a', created.id)).toMatchObject({ name: 'Private', version: 1 });
  });

  it('merges a patch, removes null fields, bumps the version and keeps the rest', async () => {
    const created = await repos.projects.create('tenant-a', { name: 'Patch me', description: 'to be removed' });
    const updated = await repos.projects.update('tenant-a', created.id, { description: null });
    expect(updated).toMatchObject({ name: 'Patch me', version: 2, createdAt: created.createdAt });
    expect(updated).not.toHaveProperty('description');
    const renamed = await repos.projects.update('tenant-a', created.id, { name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', version: 3 });
  });

  it('writes only at the expected version and tells stale from missing', async () => {
    const created = await repos.projects.create('tenant-a', { name: 'Versioned' });
    await repos.projects.update('tenant-a', created.id, { name: 'v2' }, { versionIn: [1] });
    const stale = repos.projects.update('tenant-a', created.id, { name: 'lost' }, { versionIn: [1] });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(stale).rejects.toMatchObject({ currentVersion: 2 });
    await expect(repos.projects.delete('tenant-a', created.id, { versionIn: [1] })).rejects.toBeInstanceOf(PreconditionFailedError);
    await repos.projects.delete('tenant-a', created.id, { versionIn: [2] });
    await expect(repos.projects.get('tenant-a', created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.projects.delete('tenant-a', created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.projects.update('tenant-a', created.id, { name: 'x' })).rejects.toBeInstanceOf(NotFoundError);
  });

  // A project at version 2, written with each condition: does the write happen?
  it.each<[string, WriteOptions, boolean]>([
    ['versionIn lists the current version among others', { versionIn: [1, 2, 7] }, true],
    ['versionIn lists only other versions', { versionIn: [1, 3] }, false],
    ['versionIn is empty (nothing can match)', { versionIn: [] }, false],
    ['versionNotIn lists only other versions', { versionNotIn: [1, 3] }, true],
    ['versionNotIn lists the current version', { versionNotIn: [3, 2] }, false],
    ['versionNotIn is empty', { versionNotIn: [] }, true],
    ['both hold', { versionIn: [2], versionNotIn: [1] }, true],
    ['versionIn holds but versionNotIn does not', { versionIn: [2], versionNotIn: [2] }, false],
  ])('writes when %s: %s', async (_, options, written) => {
    // Prepare
    const created = await repos.projects.create('tenant-a', { name: 'Conditions' });
    await repos.projects.update('tenant-a', created.id, { name: 'at version 2' });

    // Act
    const update = repos.projects.update('tenant-a', created.id, { name: 'conditional' }, options);

    // Assess
    if (written) await expect(update).resolves.toMatchObject({ name: 'conditional', version: 3 });
    else await expect(update).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 2 });
  });

  it('tells a missing item (404) from a condition that cannot hold', async () => {
    await expect(repos.projects.delete('tenant-a', '01890000-0000-7000-8000-00000000dead', { versionIn: [] })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('lets exactly one of many concurrent writers at one version win', async () => {
    const created = await repos.projects.create('tenant-a', { name: 'Contended' });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => repos.projects.update('tenant-a', created.id, { name: `writer ${i}` }, { versionIn: [1] })),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof PreconditionFailedError),
    ).toBe(true);
    const final = await repos.projects.get('tenant-a', created.id);
    expect(final.version).toBe(2);
    expect(final.name).toBe((winners[0] as PromiseFulfilledResult<{ name: string }>).value.name);
  });

  it('pages through a list in creation order with signed cursors and no empty last page', async () => {
    const tenant = 'tenant-paging';
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await repos.projects.create(tenant, { name: `p${i}` })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await repos.projects.list(tenant, { limit: 3, cursor });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const exact = await repos.projects.list(tenant, { limit: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.nextCursor).toBeNull();
  });

  it("refuses another tenant's cursor, and one signed with another secret", async () => {
    for (let i = 0; i < 2; i++) await repos.projects.create('tenant-c1', { name: `c${i}` });
    const { nextCursor } = await repos.projects.list('tenant-c1', { limit: 1 });
    expect(nextCursor).toBeTruthy();
    await expect(repos.projects.list('tenant-c2', { limit: 1, cursor: nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
    const otherSecret = repositoriesOf({ cursorSecret: 'some-other-secret-0123456789' });
    await expect(otherSecret.projects.list('tenant-c1', { limit: 1, cursor: nextCursor! })).rejects.toBeInstanceOf(InvalidCursorError);
  });
});

describe('TaskRepository', () => {
  it('creates tasks with status open by default and reads them back', async () => {
    const project = await repos.projects.create('tenant-a', { name: 'With tasks' });
    const task = await repos.tasks.create('tenant-a', project.id, { title: 'Write docs', dueDate: '2026-12-24' });
    expect(task).toMatchObject({ projectId: project.id, title: 'Write docs', status: 'open', dueDate: '2026-12-24', version: 1 });
    expect(await repos.tasks.get('tenant-a', project.id, task.id)).toEqual(task);
  });

  it('answers NotFound for a task of a missing project, or of a project of another tenant', async () => {
    const project = await repos.projects.create('tenant-a', { name: 'Owner' });
    const task = await repos.tasks.create('tenant-a', project.id, { title: 't' });
    await expect(repos.tasks.create('tenant-a', '01890000-0000-7000-8000-000000000000', { title: 'x' })).rejects.toMatchObject({
      entity: 'project',
    });
    await expect(repos.tasks.get('tenant-b', project.id, task.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.tasks.list('tenant-b', project.id, { limit: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.tasks.update('tenant-b', project.id, task.id, { title: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(repos.tasks.delete('tenant-b', project.id, task.id)).rejects.toBeInstanceOf(NotFoundError);
    await repos.projects.delete('tenant-a', project.id);
    await expect(repos.tasks.get('tenant-a', project.id, task.id)).rejects.toMatchObject({ entity: 'project' });
  });

  it('serves ?status= from the status index and moves a task between statuses', async () => {
    const project = await repos.projects.create('tenant-a', { name: 'Board' });
    const a = await repos.tasks.create('tenant-a', project.id, { title: 'a' });
    const b = await repos.tasks.create('tenant-a', project.id, { title: 'b', status: 'in_progress' });
    const c = await repos.tasks.create('tenant-a', project.id, { title: 'c' });
    await repos.tasks.update('tenant-a', project.id, c.id, { status: 'done' });
    const ids = async (status?: 'open' | 'in_progress' | 'done') =>
      (await repos.tasks.list('tenant-a', project.id, { limit: 100, status })).items.map((t) => t.id);
    expect(await ids()).toEqual([a.id, b.id, c.id]);
    expect(await ids('open')).toEqual([a.id]);
    expect(await ids('in_progress')).toEqual([b.id]);
    expect(await ids('done')).toEqual([c.id]);
  });

  it('pages a status list with cursors bound to that status', async () => {
    const project = await repos.projects.create('tenant-a', { name: 'Many open' });
    for (let i = 0; i < 3; i++) await repos.tasks.create('tenant-a', project.id, { title: `t${i}` });
    const first = await repos.tasks.list('tenant-a', project.id, { limit: 2, status: 'open' });
    expect(first.items).toHaveLength(2);
    const second = await repos.tasks.list('tenant-a', project.id, { limit: 2, status: 'open', cursor: first.nextCursor! });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    await expect(repos.tasks.list('tenant-a', project.id, { limit: 2, status: 'done', cursor: first.nextCursor! })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(repos.tasks.list('tenant-a', project.id, { limit: 2, cursor: first.nextCursor! })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it('removes optional fields with null and honours the expected version', async () => {
    const project = await repos.projects.create('tenant-a', { name: 'Edits' });
    const task = await repos.tasks.create('tenant-a', project.id, { title: 't', description: 'd', dueDate: '2027-01-01' });
    const updated = await repos.tasks.update(
      'tenant-a',
      project.id,
      task.id,
      { description: null, dueDate: null, title: 'T' },
      { versionIn: [1] },
    );
    expect(updated).toMatchObject({ title: 'T', version: 2 });
    expect(updated).not.toHaveProperty('description');
    expect(updated).not.toHaveProperty('dueDate');
    await expect(repos.tasks.update('tenant-a', project.id, task.id, { title: 'x' }, { versionIn: [1] })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await repos.tasks.delete('tenant-a', project.id, task.id, { versionIn: [2] });
    await expect(repos.tasks.get('tenant-a', project.id, task.id)).rejects.toMatchObject({ entity: 'task' });
  });

  it("stores a task in its project's partition, under the keys its declaration composes", async () => {
    // Prepare
    const project = await repos.projects.create('tenant-keys', { name: 'Layout' });
    const task = await repos.tasks.create('tenant-keys', project.id, { title: 't', status: 'done' });
    const values = { tenantId: 'tenant-keys', projectId: project.id, taskId: task.id, status: 'done' };

    // Act
    const { Items = [] } = await database.client.send(
      new QueryCommand({
        TableName: database.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': childPartitionKey(projectEntity, { tenantId: 'tenant-keys', id: project.id }) },
      }),
    );

    // Assess
    expect(Items).toHaveLength(1);
    const { byStatus } = TABLE_INDEXES;
    expect(Items[0]).toMatchObject({
      ...keyOf(taskEntity, values),
      [byStatus.pk]: composeKey(taskEntity.indexes.byStatus.pk, values),
      [byStatus.sk]: composeKey(taskEntity.indexes.byStatus.sk, values),
      entity: 'task',
      tenantId: 'tenant-keys',
    });
  });
});

describe('Repositories.forRequest', () => {
  it('stamps its request id on what each view writes, and only that view, even when views interleave', async () => {
    // Prepare
    const first = repos.forRequest('request-1');
    const second = repos.forRequest('request-2');
    const stored = async ({ pk, sk }: { pk: string; sk: string }) => {
      const { Items = [] } = await database.client.send(
        new QueryCommand({
          TableName: database.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk = :sk',
          ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
          ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
        }),
      );
      return Items[0];
    };
    const projectKey = (projectId: string) => keyOf(projectEntity, { tenantId: 'tenant-rid', projectId });

    // Act: both views write concurrently; then the first updates what the second created
    const [a, b, plain] = await Promise.all([
      first.projects.create('tenant-rid', { name: 'A' }),
      second.projects.create('tenant-rid', { name: 'B' }),
      repos.projects.create('tenant-rid', { name: 'C' }),
    ]);
    const task = await second.tasks.create('tenant-rid', a.id, { title: 't' });
    await first.projects.update('tenant-rid', b.id, { name: 'B2' });
    await first.tasks.update('tenant-rid', a.id, task.id, { status: 'done' });

    // Assess
    expect(await stored(projectKey(a.id))).toMatchObject({ lastRequestId: 'request-1' });
    expect(await stored(projectKey(b.id))).toMatchObject({ name: 'B2', lastRequestId: 'request-1' });
    expect(await stored(projectKey(plain.id))).not.toHaveProperty('lastRequestId');
    expect(await stored(keyOf(taskEntity, { tenantId: 'tenant-rid', projectId: a.id, taskId: task.id }))).toMatchObject({
      status: 'done',
      lastRequestId: 'request-1',
    });
    expect(await first.projects.get('tenant-rid', b.id)).not.toHaveProperty('lastRequestId');
  });
});

describe('Repositories.idempotencyRecords', () => {
  it("locates a tenant's records in its own partition of this table, with the DynamoDB client under the document client", () => {
    // Prepare
    const dynamodb = createDynamoDBClient(database.endpoint);
    const repositories = createRepositories({
      client: database.client,
      dynamodb,
      tableName: database.tableName,
      cursorSecret: 'x'.repeat(16),
    });

    // Act
    const location = repositories.idempotencyRecords('tenant:acme');

    // Assess
    expect(location).toEqual({
      tableName: database.tableName,
      keyAttr: TABLE_KEY.pk,
      sortKeyAttr: TABLE_KEY.sk,
      expiryAttr: TABLE_TTL_ATTRIBUTE,
      staticPkValue: composeKey(idempotencyEntity.keys.pk, { tenantId: 'tenant:acme' }),
      awsSdkV3Client: dynamodb,
    });
    expect(repositories.idempotencyRecords('tenant:other').staticPkValue).not.toBe(location.staticPkValue);
    dynamodb.destroy();
  });

  it('refuses to locate them without the DynamoDB client under a document client it was given', () => {
    expect(() => repos.idempotencyRecords('tenant:acme')).toThrow(ConfigurationError);
  });
});
