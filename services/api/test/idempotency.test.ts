// Idempotency-Key on the POST routes, on the embedded DynamoDB.
import { getDocumentClient } from '@app/data';
import type { LocalDynamoDB } from '@app/local-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as listTasks } from '../src/handlers/tasks/list.js';
import { startDatabase } from './database.js';
import { invoke, type RequestSpec } from './events.js';

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startDatabase();
});
afterAll(async () => db.stop());

let tenantCount = 0;
/** Each test gets a tenant of its own, so that counting its projects counts only its own. */
const freshTenant = () => ({ sub: 'user-1', tenant: `idem-${++tenantCount}-${Date.now()}` });
const post = (claims: Record<string, string>, key: string | undefined, body: unknown, extra: Partial<RequestSpec> = {}) =>
  invoke(createProject, {
    method: 'POST',
    path: '/projects',
    body,
    claims,
    headers: key === undefined ? {} : { 'idempotency-key': key },
    ...extra,
  });
const projectsOf = async (claims: Record<string, string>) =>
  (await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '100' }, claims })).body.items as { id: string }[];

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
  it('scopes a key to its route and its project, and stores no failure', async () => {
    // Prepare
    const claims = freshTenant();
    const project = await post(claims, 'k', { name: 'P' });
    const other = await post(claims, undefined, { name: 'Q' });
    const task = (projectId: string, key = 'k') =>
      invoke(createTask, {
        method: 'POST',
        path: 'x',
        pathParameters: { projectId },
        body: { title: 'T' },
        claims,
        headers: { 'idempotency-key': key },
      });
    const missing = '01890000-0000-7000-8000-000000000000';

    // Act
    const created = await task(project.body.id);
    const replay = await task(project.body.id);
    const elsewhere = await task(other.body.id);
    const notFound = [await task(missing, 'k2'), await task(missing, 'k2')];

    // Assess: the key used for the project does not replay it here; one task; 422 on another project
    expect(created.status).toBe(201);
    expect(replay).toMatchObject({ status: 201, body: { id: created.body.id }, headers: { 'idempotent-replayed': 'true' } });
    expect(elsewhere).toMatchObject({ status: 422, body: { type: '/problems/idempotency-key-reused' } });
    expect(notFound.map((r) => r.status)).toEqual([404, 404]);
    const tasks = await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: { projectId: project.body.id }, claims });
    expect(tasks.body.items).toHaveLength(1);
  });
});
