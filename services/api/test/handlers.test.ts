// Handler tests: each route's Lambda handler invoked with API Gateway events, on the
// embedded DynamoDB (started here, in memory).
import { readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as deleteProject } from '../src/handlers/projects/delete.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as deleteTask } from '../src/handlers/tasks/delete.js';
import { handler as getTask } from '../src/handlers/tasks/get.js';
import { handler as listTasks } from '../src/handlers/tasks/list.js';
import { handler as updateTask } from '../src/handlers/tasks/update.js';
import { invoke, type Response } from './events.js';

let db: LocalDynamoDB;

beforeAll(async () => {
  const tables = await readTableDefinitions(new URL('../../../serverless.yml', import.meta.url), { stage: 'local' });
  db = await startLocalDynamoDB({ port: 0, tables });
  // What serverless.yml sets for the function; read when the first handler runs.
  Object.assign(process.env, {
    TABLE_NAME: tables[0]!.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    CURSOR_SECRET: 'handler-test-cursor-secret',
    TENANT_CLAIM: 'tenant',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});
afterAll(async () => db.stop());

const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';

function expectProblem(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
}

async function newProject(body: unknown = { name: 'Project' }) {
  const response = await invoke(createProject, { method: 'POST', path: '/projects', body });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number; name: string };
}

async function newTask(projectId: string, body: unknown = { title: 'Task' }) {
  const response = await invoke(createTask, { method: 'POST', path: `/projects/${projectId}/tasks`, pathParameters: { projectId }, body });
  expect(response.status).toBe(201);
  return response.body as { id: string; version: number; status: string };
}

describe('POST /projects', () => {
  it('answers 201 with the project, Location and ETag', async () => {
    const response = await invoke(createProject, { method: 'POST', path: '/projects', body: { name: 'Alpha', description: 'first' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'Alpha',
      description: 'first',
      version: 1,
      taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
    });
    expect(response.headers.location).toBe(`/projects/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects server-managed fields instead of ignoring them', async () => {
    const response = await invoke(createProject, { method: 'POST', path: '/projects', body: { name: 'x', id: 'mine', version: 7 } });
    expectProblem(response, 400, '/problems/validation-error');
    expect(response.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/body/id', message: expect.stringMatching(/read-only/) },
        { pointer: '/body/version', message: expect.stringMatching(/read-only/) },
      ]),
    );
  });

  it('points at every invalid field', async () => {
    const response = await invoke(createProject, { method: 'POST', path: '/projects', body: { description: 5, colour: 'red' } });
    expectProblem(response, 400, '/problems/validation-error');
    const pointers = response.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/name', '/body/description', '/body/colour']));
  });

  it('answers 400 to malformed JSON and 415 to another media type', async () => {
    expectProblem(
      await invoke(createProject, { method: 'POST', path: '/projects', rawBody: '{"name": "x"' }),
      400,
      '/problems/bad-request',
    );
    expectProblem(
      await invoke(createProject, {
        method: 'POST',
        path: '/projects',
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
      '/problems/unsupported-media-type',
    );
    expectProblem(await invoke(createProject, { method: 'POST', path: '/projects', rawBody: '[]' }), 400, '/problems/validation-error');
    expectProblem(await invoke(createProject, { method: 'POST', path: '/projects', rawBody: 'null' }), 400, '/problems/validation-error');
  });

  it('answers 413 to a body over the cap', async () => {
    const response = await invoke(createProject, {
      method: 'POST',
      path: '/projects',
      body: { name: 'x', description: 'y'.repeat(70_000) },
    });
    expectProblem(response, 413, '/problems/payload-too-large');
  });
});

describe('GET /projects/{projectId}', () => {
  it('answers with ETag, and 304 when If-None-Match holds it', async () => {
    const project = await newProject();
    const got = await invoke(getProject, { method: 'GET', path: `/projects/${project.id}`, pathParameters: { projectId: project.id } });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(project);
    const cached = await invoke(getProject, {
      method: 'GET',
      path: `/projects/${project.id}`,
      pathParameters: { projectId: project.id },
      headers: { 'If-None-Match': got.headers.etag! },
    });
    expect(cached.status).toBe(304);
    expect(cached.body).toBeUndefined();
    expect(cached.headers.etag).toBe('"1"');
    const stale = await invoke(getProject, {
      method: 'GET',
      path: `/projects/${project.id}`,
      pathParameters: { projectId: project.id },
      headers: { 'if-none-match': '"0"' },
    });
    expect(stale.status).toBe(200);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expectProblem(
      await invoke(getProject, { method: 'GET', path: '/projects/x', pathParameters: { projectId: UNKNOWN_ID } }),
      404,
      '/problems/not-found',
    );
    expectProblem(
      await invoke(getProject, { method: 'GET', path: '/projects/x', pathParameters: { projectId: '../etc/passwd' } }),
      404,
      '/problems/not-found',
    );
  });
});

describe('GET /projects', () => {
  it('lists with limit and an opaque cursor; rejects bad limits and forged cursors', async () => {
    for (let i = 0; i < 3; i++) await newProject({ name: `listed ${i}` });
    const first = await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '2', cursor: first.body.nextCursor } });
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[1].id);

    for (const limit of ['0', '101', 'abc', '1.5']) {
      const response = await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit } });
      expectProblem(response, 400, '/problems/validation-error');
      expect(response.body.errors[0].pointer).toBe('/query/limit');
    }
    const forged = await invoke(listProjects, { method: 'GET', path: '/projects', query: { cursor: `${first.body.nextCursor}x` } });
    expectProblem(forged, 400, '/problems/invalid-cursor');
  });

  it('defaults to 20 items a page', async () => {
    const response = await invoke(listProjects, { method: 'GET', path: '/projects' });
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeLessThanOrEqual(20);
  });
});

describe('PATCH /projects/{projectId}', () => {
  it('merges the allowed fields, honours If-Match and answers 412 to a stale one', async () => {
    const project = await newProject({ name: 'Before', description: 'gone soon' });
    const path = `/projects/${project.id}`;
    const updated = await invoke(updateProject, {
      method: 'PATCH',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
      body: { name: 'After', description: null },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'After', version: 2 });
    expect(updated.body).not.toHaveProperty('description');
    expect(updated.headers.etag).toBe('"2"');

    const stale = await invoke(updateProject, {
      method: 'PATCH',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': '"1"' },
      body: { name: 'Lost' },
    });
    expectProblem(stale, 412, '/problems/precondition-failed');
    const weak = await invoke(updateProject, {
      method: 'PATCH',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': 'W/"2"' },
      body: { name: 'Weak' },
    });
    expectProblem(weak, 412, '/problems/precondition-failed');
    const bad = await invoke(updateProject, {
      method: 'PATCH',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': 'banana' },
      body: { name: 'x' },
    });
    expectProblem(bad, 400, '/problems/bad-request');
    const readOnly = await invoke(updateProject, {
      method: 'PATCH',
      path,
      pathParameters: { projectId: project.id },
      body: { taskCounts: { total: 9 } },
    });
    expectProblem(readOnly, 400, '/problems/validation-error');
    const emptyPatch = await invoke(updateProject, { method: 'PATCH', path, pathParameters: { projectId: project.id }, body: {} });
    expectProblem(emptyPatch, 400, '/problems/validation-error');

    const final = await invoke(getProject, { method: 'GET', path, pathParameters: { projectId: project.id } });
    expect(final.body).toMatchObject({ name: 'After', version: 2 });
  });

  it('answers 404 for a missing project', async () => {
    const response = await invoke(updateProject, {
      method: 'PATCH',
      path: '/projects/x',
      pathParameters: { projectId: UNKNOWN_ID },
      body: { name: 'x' },
    });
    expectProblem(response, 404, '/problems/not-found');
  });
});

describe('DELETE /projects/{projectId}', () => {
  it('answers 204, then 404; a stale If-Match is a 412 and deletes nothing', async () => {
    const project = await newProject();
    const path = `/projects/${project.id}`;
    const stale = await invoke(deleteProject, {
      method: 'DELETE',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': '"5"' },
    });
    expectProblem(stale, 412, '/problems/precondition-failed');
    const deleted = await invoke(deleteProject, {
      method: 'DELETE',
      path,
      pathParameters: { projectId: project.id },
      headers: { 'if-match': '"1"' },
    });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expectProblem(
      await invoke(deleteProject, { method: 'DELETE', path, pathParameters: { projectId: project.id } }),
      404,
      '/problems/not-found',
    );
  });
});

describe('tasks routes', () => {
  it('create, get (with 304), list by status, patch and delete a task', async () => {
    const project = await newProject();
    const projectId = project.id;
    const task = await newTask(projectId, { title: 'Ship', dueDate: '2027-03-01' });
    expect(task).toMatchObject({ status: 'open', version: 1 });

    const created = await invoke(createTask, {
      method: 'POST',
      path: `/projects/${projectId}/tasks`,
      pathParameters: { projectId },
      body: { title: 'Second', status: 'done' },
    });
    expect(created.headers.location).toBe(`/projects/${projectId}/tasks/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');

    const params = { projectId, taskId: task.id };
    const got = await invoke(getTask, { method: 'GET', path: 'x', pathParameters: params });
    expect(got.body).toEqual(task);
    expect(
      (await invoke(getTask, { method: 'GET', path: 'x', pathParameters: params, headers: { 'if-none-match': got.headers.etag! } })).status,
    ).toBe(304);

    const done = await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: { projectId }, query: { status: 'done' } });
    expect(done.body.items.map((t: { id: string }) => t.id)).toEqual([created.body.id]);
    const all = await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: { projectId } });
    expect(all.body.items).toHaveLength(2);
    expectProblem(
      await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: { projectId }, query: { status: 'blocked' } }),
      400,
      '/problems/validation-error',
    );

    const patched = await invoke(updateTask, {
      method: 'PATCH',
      path: 'x',
      pathParameters: params,
      headers: { 'if-match': '"1"' },
      body: { status: 'in_progress', dueDate: null },
    });
    expect(patched.body).toMatchObject({ status: 'in_progress', version: 2 });
    expect(patched.body).not.toHaveProperty('dueDate');
    expectProblem(
      await invoke(updateTask, { method: 'PATCH', path: 'x', pathParameters: params, body: { projectId: UNKNOWN_ID } }),
      400,
      '/problems/validation-error',
    );
    expectProblem(
      await invoke(updateTask, { method: 'PATCH', path: 'x', pathParameters: params, body: { status: 'blocked' } }),
      400,
      '/problems/validation-error',
    );

    expect((await invoke(deleteTask, { method: 'DELETE', path: 'x', pathParameters: params })).status).toBe(204);
    expectProblem(await invoke(getTask, { method: 'GET', path: 'x', pathParameters: params }), 404, '/problems/not-found');
  });

  it('answers 404 for every task route under a missing project', async () => {
    const projectId = UNKNOWN_ID;
    const params = { projectId, taskId: UNKNOWN_ID };
    expectProblem(
      await invoke(createTask, { method: 'POST', path: 'x', pathParameters: { projectId }, body: { title: 't' } }),
      404,
      '/problems/not-found',
    );
    expectProblem(await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: { projectId } }), 404, '/problems/not-found');
    expectProblem(await invoke(getTask, { method: 'GET', path: 'x', pathParameters: params }), 404, '/problems/not-found');
    expectProblem(
      await invoke(updateTask, { method: 'PATCH', path: 'x', pathParameters: params, body: { title: 't' } }),
      404,
      '/problems/not-found',
    );
    expectProblem(await invoke(deleteTask, { method: 'DELETE', path: 'x', pathParameters: params }), 404, '/problems/not-found');
  });
});

describe('identity and tenancy', () => {
  const other = { sub: 'user-2', tenant: 'globex' };

  it('answers 401 with a challenge when no verified claims reach the function', async () => {
    const response = await invoke(listProjects, { method: 'GET', path: '/projects', claims: null });
    expectProblem(response, 401, '/problems/unauthorized');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it("gives another tenant's project a 404 on every route", async () => {
    const project = await newProject({ name: 'acme only' });
    const task = await newTask(project.id);
    const p = { projectId: project.id };
    const t = { projectId: project.id, taskId: task.id };
    const replies = [
      await invoke(getProject, { method: 'GET', path: 'x', pathParameters: p, claims: other }),
      await invoke(updateProject, { method: 'PATCH', path: 'x', pathParameters: p, body: { name: 'mine' }, claims: other }),
      await invoke(deleteProject, { method: 'DELETE', path: 'x', pathParameters: p, claims: other }),
      await invoke(createTask, { method: 'POST', path: 'x', pathParameters: p, body: { title: 'x' }, claims: other }),
      await invoke(listTasks, { method: 'GET', path: 'x', pathParameters: p, claims: other }),
      await invoke(getTask, { method: 'GET', path: 'x', pathParameters: t, claims: other }),
      await invoke(updateTask, { method: 'PATCH', path: 'x', pathParameters: t, body: { title: 'x' }, claims: other }),
      await invoke(deleteTask, { method: 'DELETE', path: 'x', pathParameters: t, claims: other }),
    ];
    for (const reply of replies) expectProblem(reply, 404, '/problems/not-found');
    const list = await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '100' }, claims: other });
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(project.id);
    expect((await invoke(getTask, { method: 'GET', path: 'x', pathParameters: t })).body).toMatchObject({ id: task.id, version: 1 });
  });

  it('shares a tenant between its users, and keeps a user without a tenant claim apart', async () => {
    const project = await newProject({ name: 'team' });
    const teammate = await invoke(getProject, {
      method: 'GET',
      path: 'x',
      pathParameters: { projectId: project.id },
      claims: { sub: 'user-9', tenant: 'acme' },
    });
    expect(teammate.status).toBe(200);
    // A user whose id equals the tenant's name is still not in that tenant.
    const lookalike = await invoke(getProject, {
      method: 'GET',
      path: 'x',
      pathParameters: { projectId: project.id },
      claims: { sub: 'acme' },
    });
    expect(lookalike.status).toBe(404);
  });
});
