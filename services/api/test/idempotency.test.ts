// Idempotency-Key on the POST routes, on the embedded DynamoDB. Events carry API Gateway's
// route key (the route's template), which the key's scope is built from, as in production.
import { composeKey, getDocumentClient, idempotencyEntity } from '@app/data';
import { apiEvent, invoke, startTestDatabase, type ApiRequest, type TestDatabase } from '@app/testing';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as listTasks } from '../src/handlers/tasks/list.js';
import { freshTenant, UNKNOWN_ID } from './support.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

type Claims = Record<string, string>;
const post = (claims: Claims, key: string | undefined, body: unknown, extra: ApiRequest = {}) =>
  invoke(
    createProject,
    apiEvent('createProject', { body, claims, headers: key === undefined ? {} : { 'idempotency-key': key }, ...extra }),
  );
const projectsOf = async (claims: Claims) =>
  (await invoke(listProjects, apiEvent('listProjects', { query: { limit: '100' }, claims }))).body.items as { id: string }[];

describe('Idempotency-Key on POST /projects', () => {
  it('answers a repeat with the first response and creates one project', async () => {
    // Prepare
    const claims = freshTenant();

    // Act
    const first = await post(claims, 'key-1', { name: 'Once' });
    const again = await post(claims, 'key-1', { name: 'Once' });

    // Assess
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again).toMatchObject({ status: 201, body: first.body });
    expect(again.headers).toMatchObject({
      location: first.headers.location,
      etag: '"1"',
      'idempotent-replayed': 'true',
      'x-content-type-options': 'nosniff',
    });
    expect((await projectsOf(claims)).map((p) => p.id)).toEqual([first.body.id]);
  });

  it('makes one project of 10 concurrent requests with one key', async () => {
    // Prepare
    const claims = freshTenant();

    // Act
    const replies = await Promise.all(Array.from({ length: 10 }, () => post(claims, 'burst', { name: 'Burst' })));

    // Assess: each is the one project, or "in progress, retry"; never a second project
    const projects = await projectsOf(claims);
    expect(projects).toHaveLength(1);
    for (const reply of replies) {
      if (reply.status === 201) expect(reply.body.id).toBe(projects[0]!.id);
      else
        expect(reply).toMatchObject({ status: 409, body: { type: '/problems/idempotency-in-progress' }, headers: { 'retry-after': '1' } });
    }
    expect(replies.filter((r) => r.status === 201 && !r.headers['idempotent-replayed'])).toHaveLength(1);
    const retry = await post(claims, 'burst', { name: 'Burst' });
    expect(retry).toMatchObject({ status: 201, body: { id: projects[0]!.id } });
  });

  it('answers 409 with Retry-After while the first request is still running', async () => {
    // Prepare: hold the first request's write until the second has been answered
    const claims = freshTenant();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stack = getDocumentClient().middlewareStack as MiddlewareStack<object, object>;
    const isProjectPut = (input: unknown) => JSON.stringify(input).includes('"entity":{"S":"project"}');
    stack.add(
      (next) => async (args) => {
        if (isProjectPut((args as { input: unknown }).input)) await gate;
        return next(args);
      },
      { step: 'build', name: 'holdProjectWrites' },
    );

    try {
      // Act
      const first = post(claims, 'slow', { name: 'Slow' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await post(claims, 'slow', { name: 'Slow' });
      release();

      // Assess
      expect(second).toMatchObject({ status: 409, headers: { 'retry-after': '1', 'content-type': 'application/problem+json' } });
      expect(second.body).toMatchObject({ type: '/problems/idempotency-in-progress', status: 409 });
      expect((await first).status).toBe(201);
    } finally {
      release();
      stack.remove('holdProjectWrites');
    }
  });

  it('answers 422 to the same key with another body, and creates nothing for it', async () => {
    // Prepare
    const claims = freshTenant();
    await post(claims, 'reused', { name: 'First' });

    // Act
    const other = await post(claims, 'reused', { name: 'Second' });

    // Assess
    expect(other).toMatchObject({ status: 422, headers: { 'content-type': 'application/problem+json' } });
    expect(other.body).toMatchObject({ type: '/problems/idempotency-key-reused', errors: [{ pointer: '/headers/idempotency-key' }] });
    expect(await projectsOf(claims)).toHaveLength(1);
  });

  it('treats equal JSON with another key order or spacing as the same request', async () => {
    // Prepare
    const claims = freshTenant();
    const first = await post(claims, 'order', undefined, { rawBody: '{"name":"N","description":"D"}' });

    // Act
    const again = await post(claims, 'order', undefined, { rawBody: '{ "description": "D",  "name": "N" }' });

    // Assess
    expect(again).toMatchObject({ status: 201, body: { id: first.body.id }, headers: { 'idempotent-replayed': 'true' } });
  });

  it("never replays one tenant's response to another tenant using the same key", async () => {
    // Prepare
    const acme = freshTenant();
    const globex = freshTenant();
    const mine = await post(acme, 'shared-key', { name: 'Acme project' });

    // Act
    const theirs = await post(globex, 'shared-key', { name: 'Acme project' });

    // Assess
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect((await projectsOf(globex)).map((p) => p.id)).toEqual([theirs.body.id]);
  });

  it('creates a new project for each request without a key', async () => {
    // Prepare
    const claims = freshTenant();

    // Act
    await post(claims, undefined, { name: 'Twice' });
    await post(claims, undefined, { name: 'Twice' });

    // Assess
    expect(await projectsOf(claims)).toHaveLength(2);
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['a space', 'two words'],
    ['a comma (a repeated header)', 'a,b'],
    ['non-ASCII', 'clé'],
  ])('answers 400 to a key with %s', async (_label, key) => {
    // Act
    const reply = await post(freshTenant(), key, { name: 'x' });

    // Assess
    expect(reply).toMatchObject({
      status: 400,
      body: { type: '/problems/validation-error', errors: [{ pointer: '/headers/idempotency-key' }] },
    });
  });
});

describe('Idempotency-Key on POST /projects/{projectId}/tasks', () => {
  const postTask = (claims: Claims, projectId: string, key: string) =>
    invoke(
      createTask,
      apiEvent('createTask', { params: { projectId }, body: { title: 'T' }, claims, headers: { 'idempotency-key': key } }),
    );
  const tasksOf = async (claims: Claims, projectId: string) =>
    (await invoke(listTasks, apiEvent('listTasks', { params: { projectId }, claims }))).body.items as { id: string }[];

  it('does not replay what the key answered on another route', async () => {
    // Prepare
    const claims = freshTenant();
    const project = await post(claims, 'k', { name: 'P' });

    // Act
    const created = await postTask(claims, project.body.id, 'k');

    // Assess
    expect(created.status).toBe(201);
    expect(created.headers['idempotent-replayed']).toBeUndefined();
    expect(created.body).toMatchObject({ projectId: project.body.id, title: 'T', version: 1 });
    expect((await tasksOf(claims, project.body.id)).map((t) => t.id)).toEqual([created.body.id]);
  });

  it('answers a repeat with the first response and creates one task', async () => {
    // Prepare
    const claims = freshTenant();
    const project = await post(claims, undefined, { name: 'P' });
    const created = await postTask(claims, project.body.id, 'k');

    // Act
    const replay = await postTask(claims, project.body.id, 'k');

    // Assess
    expect(replay).toMatchObject({ status: 201, body: created.body, headers: { 'idempotent-replayed': 'true' } });
    expect((await tasksOf(claims, project.body.id)).map((t) => t.id)).toEqual([created.body.id]);
  });

  it('scopes the key to the route, not to the path: the same key under another project is a 422', async () => {
    // Prepare
    const claims = freshTenant();
    const [first, second] = [await post(claims, undefined, { name: 'P' }), await post(claims, undefined, { name: 'Q' })];
    await postTask(claims, first.body.id, 'k');

    // Act
    const elsewhere = await postTask(claims, second.body.id, 'k');

    // Assess
    expect(elsewhere).toMatchObject({ status: 422, body: { type: '/problems/idempotency-key-reused' } });
    expect(await tasksOf(claims, second.body.id)).toEqual([]);
  });

  it("keeps the key's record under the route template, API Gateway's route key", async () => {
    // Prepare
    const claims = freshTenant();
    const project = await post(claims, undefined, { name: 'P' });

    // Act
    await postTask(claims, project.body.id, 'k');

    // Assess: Powertools' key is "<keyPrefix>#<hash>", the prefix being the route
    const { Items } = await db.client.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': composeKey(idempotencyEntity.keys.pk, { tenantId: `tenant:${claims.tenant}` }) },
      }),
    );
    expect(Items?.map((item) => item.sk)).toEqual([expect.stringMatching(/^POST \/projects\/\{projectId\}\/tasks#[^#]+$/)]);
    expect(Items?.[0]).toMatchObject({ status: 'COMPLETED' });
  });

  it('stores no failure: a 404 answers the same key again, not as a replay', async () => {
    // Prepare
    const claims = freshTenant();
    const first = await postTask(claims, UNKNOWN_ID, 'k2');

    // Act
    const again = await postTask(claims, UNKNOWN_ID, 'k2');

    // Assess
    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
