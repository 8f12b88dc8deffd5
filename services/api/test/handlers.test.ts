// Handler tests: each route's Lambda handler invoked with the API Gateway events of its route,
// on the embedded DynamoDB (in memory).
import { ProjectionWriter, type ActivityChange } from '@app/data';
import { apiEvent, invoke, startTestDatabase, type ApiHandler, type ApiRequest, type TestDatabase } from '@app/testing';
import type { OperationId } from '@app/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { handler as listActivity } from '../src/handlers/activity/list.js';
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
import { MAX_ISSUES } from '../src/http/problem.js';
import { expectProblem, freshTenant, UNKNOWN_ID } from './support.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

type Claims = ApiRequest['claims'];

async function newProject(body: unknown = { name: 'Project' }, claims?: Claims) {
  const reply = await invoke(createProject, apiEvent('createProject', { body, claims }));
  expect(reply.status).toBe(201);
  return reply.body as { id: string; version: number; name: string };
}

async function newTask(projectId: string, body: unknown = { title: 'Task' }, claims?: Claims) {
  const reply = await invoke(createTask, apiEvent('createTask', { params: { projectId }, body, claims }));
  expect(reply.status).toBe(201);
  return reply.body as { id: string; version: number; status: string };
}

const readProject = (projectId: string, claims?: Claims) => invoke(getProject, apiEvent('getProject', { params: { projectId }, claims }));
const readTask = (projectId: string, taskId: string, claims?: Claims) =>
  invoke(getTask, apiEvent('getTask', { params: { projectId, taskId }, claims }));

describe('POST /projects', () => {
  it('answers 201 with the project, Location and ETag', async () => {
    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { name: 'Alpha', description: 'first' } }));

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      name: 'Alpha',
      description: 'first',
      version: 1,
      taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
    });
    expect(reply.headers.location).toBe(`/projects/${reply.body.id}`);
    expect(reply.headers.etag).toBe('"1"');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects server-managed fields instead of ignoring them', async () => {
    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { name: 'x', id: 'mine', version: 7 } }));

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/body/id', message: expect.stringMatching(/read-only/) },
        { pointer: '/body/version', message: expect.stringMatching(/read-only/) },
      ]),
    );
  });

  it('points at every invalid field', async () => {
    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { description: 5, colour: 'red' } }));

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    const pointers = reply.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/name', '/body/description', '/body/colour']));
  });

  it(`lists the first ${MAX_ISSUES} of many invalid fields, and says how many there are`, async () => {
    // Prepare
    const body = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`unknown${i}`, i]));

    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { name: 'x', ...body } }));

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors).toHaveLength(MAX_ISSUES);
    expect(reply.body.detail).toBe(`The request has 30 invalid fields; the first ${MAX_ISSUES} are listed.`);
  });

  it.each<{ label: string; request: ApiRequest; status: number; type: string }>([
    { label: 'malformed JSON', request: { rawBody: '{"name": "x"' }, status: 400, type: '/problems/bad-request' },
    {
      label: 'another media type',
      request: { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      status: 415,
      type: '/problems/unsupported-media-type',
    },
    { label: 'a JSON array', request: { rawBody: '[]' }, status: 400, type: '/problems/validation-error' },
    { label: 'JSON null', request: { rawBody: 'null' }, status: 400, type: '/problems/validation-error' },
  ])('answers $label with $status $type', async ({ request, status, type }) => {
    // Act
    const reply = await invoke(createProject, apiEvent('createProject', request));

    // Assess
    expectProblem(reply, status, type);
  });

  it('answers 413 to a body over the cap', async () => {
    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { name: 'x', description: 'y'.repeat(70_000) } }));

    // Assess
    expectProblem(reply, 413, '/problems/payload-too-large');
  });
});

describe('GET /projects/{projectId}', () => {
  it('answers 200 with the project and its ETag', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const reply = await readProject(project.id);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(project);
    expect(reply.headers.etag).toBe('"1"');
  });

  it('answers 304 without a body when If-None-Match holds the current ETag', async () => {
    // Prepare
    const project = await newProject();
    const { headers } = await readProject(project.id);

    // Act
    const reply = await invoke(
      getProject,
      apiEvent('getProject', { params: { projectId: project.id }, headers: { 'If-None-Match': headers.etag! } }),
    );

    // Assess
    expect(reply.status).toBe(304);
    expect(reply.body).toBeUndefined();
    expect(reply.headers.etag).toBe('"1"');
  });

  it('answers 200 when If-None-Match holds a stale ETag', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const reply = await invoke(
      getProject,
      apiEvent('getProject', { params: { projectId: project.id }, headers: { 'if-none-match': '"0"' } }),
    );

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(project);
  });

  it.each([
    ['an unknown', UNKNOWN_ID],
    ['a malformed', '../etc/passwd'],
  ])('answers 404 for %s id', async (_label, projectId) => {
    // Act
    const reply = await readProject(projectId);

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });
});

describe('GET /projects', () => {
  const list = (query: Record<string, string>, claims?: Claims) => invoke(listProjects, apiEvent('listProjects', { query, claims }));
  const tenantWith = async (count: number) => {
    const claims = freshTenant();
    for (let i = 0; i < count; i++) await newProject({ name: `listed ${i}` }, claims);
    return claims;
  };

  it('answers at most `limit` items, and a cursor when there are more', async () => {
    // Prepare
    const claims = await tenantWith(3);

    // Act
    const first = await list({ limit: '2' }, claims);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
  });

  it('answers the items after the cursor, and no cursor on the last page', async () => {
    // Prepare
    const claims = await tenantWith(3);
    const first = await list({ limit: '2' }, claims);

    // Act
    const second = await list({ limit: '2', cursor: first.body.nextCursor }, claims);

    // Assess
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[1].id);
    expect(first.body.items.map((p: { id: string }) => p.id)).not.toContain(second.body.items[0].id);
    expect(second.body.nextCursor).toBeNull();
  });

  it.each(['0', '101', 'abc', '1.5'])('answers 400 pointing at the limit to limit=%s', async (limit) => {
    // Act
    const reply = await list({ limit });

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors[0].pointer).toBe('/query/limit');
  });

  it('answers 400 to a forged cursor', async () => {
    // Prepare
    const claims = await tenantWith(2);
    const { body } = await list({ limit: '1' }, claims);

    // Act
    const reply = await list({ cursor: `${body.nextCursor}x` }, claims);

    // Assess
    expectProblem(reply, 400, '/problems/invalid-cursor');
  });

  it('defaults to 20 items a page', async () => {
    // Prepare
    const claims = await tenantWith(21);

    // Act
    const reply = await list({}, claims);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(20);
    expect(typeof reply.body.nextCursor).toBe('string');
  });
});

describe('PATCH /projects/{projectId}', () => {
  const patch = (projectId: string, body: unknown, headers: Record<string, string> = {}) =>
    invoke(updateProject, apiEvent('updateProject', { params: { projectId }, headers, body }));

  it('merges the allowed fields under a matching If-Match, removing those set to null', async () => {
    // Prepare
    const project = await newProject({ name: 'Before', description: 'gone soon' });

    // Act
    const updated = await patch(
      project.id,
      { name: 'After', description: null },
      { 'if-match': '"1"', 'content-type': 'application/merge-patch+json' },
    );

    // Assess
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: 'After', version: 2 });
    expect(updated.body).not.toHaveProperty('description');
    expect(updated.headers.etag).toBe('"2"');
    const stored = await readProject(project.id);
    expect(stored.body).toEqual(updated.body);
  });

  it('answers 412 to a stale If-Match, and changes nothing', async () => {
    // Prepare: the project is at version 2
    const project = await newProject({ name: 'Before' });
    await patch(project.id, { name: 'After' }, { 'if-match': '"1"' });

    // Act
    const stale = await patch(project.id, { name: 'Lost' }, { 'if-match': '"1"' });

    // Assess
    expectProblem(stale, 412, '/problems/precondition-failed');
    expect((await readProject(project.id)).body).toMatchObject({ name: 'After', version: 2 });
  });

  it.each<{ label: string; body: unknown; headers: Record<string, string>; status: number; type: string }>([
    {
      label: 'a weak If-Match, even of the current version',
      body: { name: 'Weak' },
      headers: { 'if-match': 'W/"1"' },
      status: 412,
      type: '/problems/precondition-failed',
    },
    {
      label: 'an If-Match that is not an entity tag',
      body: { name: 'x' },
      headers: { 'if-match': 'banana' },
      status: 400,
      type: '/problems/bad-request',
    },
    { label: 'a read-only field', body: { taskCounts: { total: 9 } }, headers: {}, status: 400, type: '/problems/validation-error' },
    { label: 'an empty patch', body: {}, headers: {}, status: 400, type: '/problems/validation-error' },
  ])('answers $label with $status $type, and changes nothing', async ({ body, headers, status, type }) => {
    // Prepare
    const project = await newProject({ name: 'Before' });

    // Act
    const reply = await patch(project.id, body, headers);

    // Assess
    expectProblem(reply, status, type);
    expect((await readProject(project.id)).body).toEqual(project);
  });

  it('answers 404 for a missing project', async () => {
    // Act
    const reply = await patch(UNKNOWN_ID, { name: 'x' });

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });
});

describe('DELETE /projects/{projectId}', () => {
  const remove = (projectId: string, headers: Record<string, string> = {}) =>
    invoke(deleteProject, apiEvent('deleteProject', { params: { projectId }, headers }));

  it('answers 412 to a stale If-Match, and deletes nothing', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const stale = await remove(project.id, { 'if-match': '"5"' });

    // Assess
    expectProblem(stale, 412, '/problems/precondition-failed');
    expect((await readProject(project.id)).body).toEqual(project);
  });

  it('answers 204 without a body to a matching If-Match, and the project is gone', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const deleted = await remove(project.id, { 'if-match': '"1"' });

    // Assess
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expectProblem(await readProject(project.id), 404, '/problems/not-found');
  });

  it('answers 404 to deleting a deleted project', async () => {
    // Prepare
    const project = await newProject();
    expect((await remove(project.id)).status).toBe(204);

    // Act
    const again = await remove(project.id);

    // Assess
    expectProblem(again, 404, '/problems/not-found');
  });
});

describe('tasks routes', () => {
  const listOf = (projectId: string, query?: Record<string, string>) =>
    invoke(listTasks, apiEvent('listTasks', { params: { projectId }, query }));
  const patch = (projectId: string, taskId: string, body: unknown, headers: Record<string, string> = {}) =>
    invoke(updateTask, apiEvent('updateTask', { params: { projectId, taskId }, headers, body }));

  it('create a task, open and at version 1 unless told otherwise', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const task = await newTask(project.id, { title: 'Ship', dueDate: '2027-03-01' });

    // Assess
    expect(task).toMatchObject({ title: 'Ship', dueDate: '2027-03-01', status: 'open', version: 1 });
  });

  it('create answers 201 with Location and ETag', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const created = await invoke(
      createTask,
      apiEvent('createTask', { params: { projectId: project.id }, body: { title: 'Second', status: 'done' } }),
    );

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ title: 'Second', status: 'done' });
    expect(created.headers.location).toBe(`/projects/${project.id}/tasks/${created.body.id}`);
    expect(created.headers.etag).toBe('"1"');
  });

  it('get answers with the task', async () => {
    // Prepare
    const project = await newProject();
    const task = await newTask(project.id);

    // Act
    const got = await readTask(project.id, task.id);

    // Assess
    expect(got.status).toBe(200);
    expect(got.body).toEqual(task);
    expect(got.headers.etag).toBe('"1"');
  });

  it('get answers 304 when If-None-Match holds its ETag', async () => {
    // Prepare
    const project = await newProject();
    const task = await newTask(project.id);
    const { headers } = await readTask(project.id, task.id);

    // Act
    const reply = await invoke(
      getTask,
      apiEvent('getTask', { params: { projectId: project.id, taskId: task.id }, headers: { 'if-none-match': headers.etag! } }),
    );

    // Assess
    expect(reply.status).toBe(304);
    expect(reply.body).toBeUndefined();
  });

  it('list answers the tasks of one status', async () => {
    // Prepare
    const project = await newProject();
    await newTask(project.id, { title: 'Open' });
    const done = await newTask(project.id, { title: 'Done', status: 'done' });

    // Act
    const reply = await listOf(project.id, { status: 'done' });

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((t: { id: string }) => t.id)).toEqual([done.id]);
  });

  it('list answers every task of the project without a status', async () => {
    // Prepare
    const project = await newProject();
    const tasks = [await newTask(project.id, { title: 'Open' }), await newTask(project.id, { title: 'Done', status: 'done' })];

    // Act
    const reply = await listOf(project.id);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((t: { id: string }) => t.id).sort()).toEqual(tasks.map((t) => t.id).sort());
  });

  it('list answers 400 to an unknown status', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const reply = await listOf(project.id, { status: 'blocked' });

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
  });

  it('patch merges the fields under a matching If-Match, removing those set to null', async () => {
    // Prepare
    const project = await newProject();
    const task = await newTask(project.id, { title: 'Ship', dueDate: '2027-03-01' });

    // Act
    const patched = await patch(project.id, task.id, { status: 'in_progress', dueDate: null }, { 'if-match': '"1"' });

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status: 'in_progress', version: 2 });
    expect(patched.body).not.toHaveProperty('dueDate');
    expect((await readTask(project.id, task.id)).body).toEqual(patched.body);
  });

  it.each([
    ['a move to another project (projectId is read-only)', { projectId: UNKNOWN_ID }],
    ['an unknown status', { status: 'blocked' }],
  ])('patch answers 400 to %s, and changes nothing', async (_label, body) => {
    // Prepare
    const project = await newProject();
    const task = await newTask(project.id);

    // Act
    const reply = await patch(project.id, task.id, body);

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    expect((await readTask(project.id, task.id)).body).toEqual(task);
  });

  it('delete answers 204, and the task is gone', async () => {
    // Prepare
    const project = await newProject();
    const task = await newTask(project.id);

    // Act
    const deleted = await invoke(deleteTask, apiEvent('deleteTask', { params: { projectId: project.id, taskId: task.id } }));

    // Assess
    expect(deleted.status).toBe(204);
    expectProblem(await readTask(project.id, task.id), 404, '/problems/not-found');
  });

  const missing = { projectId: UNKNOWN_ID, taskId: UNKNOWN_ID };
  it.each<[OperationId, ApiHandler, ApiRequest]>([
    ['createTask', createTask, { params: { projectId: UNKNOWN_ID }, body: { title: 't' } }],
    ['listTasks', listTasks, { params: { projectId: UNKNOWN_ID } }],
    ['getTask', getTask, { params: missing }],
    ['updateTask', updateTask, { params: missing, body: { title: 't' } }],
    ['deleteTask', deleteTask, { params: missing }],
  ])('%s answers 404 under a missing project', async (operation, handler, request) => {
    // Act
    const reply = await invoke(handler, apiEvent(operation, request));

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });
});

describe('GET /projects/{projectId}/activity', () => {
  const feedOf = (projectId: string, query?: Record<string, string>) =>
    invoke(listActivity, apiEvent('listActivity', { params: { projectId }, query }));
  /** `count` task creations in the project's feed, a second apart, as the stream consumer records them; oldest first. */
  async function recordActivity(projectId: string, count: number) {
    const writer = new ProjectionWriter({ client: db.client, tableName: db.tableName }, { activityTtlSeconds: 86_400 });
    const changes: ActivityChange[] = [];
    for (let i = 0; i < count; i++) {
      const change: ActivityChange = {
        eventId: randomUUID(),
        occurredAt: new Date(Date.now() - (count - i) * 1000).toISOString(),
        type: 'task.created',
        taskId: randomUUID(),
        title: `Task ${i}`,
      };
      expect(await writer.applyChange('tenant:acme', projectId, change)).toBe('applied');
      changes.push(change);
    }
    return changes;
  }
  const entryOf = (projectId: string, { eventId, ...change }: ActivityChange) => ({ id: eventId, projectId, ...change });

  it("answers the project's activity, newest first", async () => {
    // Prepare
    const project = await newProject();
    const changes = await recordActivity(project.id, 3);

    // Act
    const reply = await feedOf(project.id);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: changes.reverse().map((change) => entryOf(project.id, change)), nextCursor: null });
  });

  it('answers an empty feed for a project without activity', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const reply = await feedOf(project.id);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [], nextCursor: null });
  });

  it('pages with limit and cursor', async () => {
    // Prepare
    const project = await newProject();
    const [oldest, middle, newest] = await recordActivity(project.id, 3);
    const first = await feedOf(project.id, { limit: '2' });

    // Act
    const second = await feedOf(project.id, { limit: '2', cursor: first.body.nextCursor });

    // Assess
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual([newest!.eventId, middle!.eventId]);
    expect(second.body).toEqual({ items: [entryOf(project.id, oldest!)], nextCursor: null });
  });

  it('answers 404 for an unknown project', async () => {
    // Act
    const reply = await feedOf(UNKNOWN_ID);

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });

  it('answers 400 to a status filter, which only the task list takes', async () => {
    // Prepare
    const project = await newProject();

    // Act
    const reply = await feedOf(project.id, { status: 'open' });

    // Assess
    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors[0].pointer).toBe('/query/status');
  });
});

describe('identity and tenancy', () => {
  const other = { sub: 'user-2', tenant: 'globex' };

  it('answers 401 with a challenge when no verified claims reach the function', async () => {
    // Act
    const reply = await invoke(listProjects, apiEvent('listProjects', { claims: null }));

    // Assess
    expectProblem(reply, 401, '/problems/unauthorized');
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  describe("another tenant's project", () => {
    let project: Awaited<ReturnType<typeof newProject>>;
    let task: Awaited<ReturnType<typeof newTask>>;
    beforeAll(async () => {
      project = await newProject({ name: 'acme only' });
      task = await newTask(project.id);
    });
    const projectParams = () => ({ projectId: project.id });
    const taskParams = () => ({ projectId: project.id, taskId: task.id });

    it.each<[OperationId, ApiHandler, () => ApiRequest]>([
      ['getProject', getProject, () => ({ params: projectParams() })],
      ['updateProject', updateProject, () => ({ params: projectParams(), body: { name: 'mine' } })],
      ['deleteProject', deleteProject, () => ({ params: projectParams() })],
      ['createTask', createTask, () => ({ params: projectParams(), body: { title: 'x' } })],
      ['listTasks', listTasks, () => ({ params: projectParams() })],
      ['listActivity', listActivity, () => ({ params: projectParams() })],
      ['getTask', getTask, () => ({ params: taskParams() })],
      ['updateTask', updateTask, () => ({ params: taskParams(), body: { title: 'x' } })],
      ['deleteTask', deleteTask, () => ({ params: taskParams() })],
    ])('is a 404 to %s, which changes nothing', async (operation, handler, request) => {
      // Act
      const reply = await invoke(handler, apiEvent(operation, { ...request(), claims: other }));

      // Assess
      expectProblem(reply, 404, '/problems/not-found');
      expect((await readProject(project.id)).body).toEqual(project);
      expect((await readTask(project.id, task.id)).body).toEqual(task);
    });

    it('is not in their list', async () => {
      // Act
      const list = await invoke(listProjects, apiEvent('listProjects', { query: { limit: '100' }, claims: other }));

      // Assess
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(project.id);
    });
  });

  it('shares a tenant between its users', async () => {
    // Prepare
    const project = await newProject({ name: 'team' });

    // Act
    const teammate = await readProject(project.id, { sub: 'user-9', tenant: 'acme' });

    // Assess
    expect(teammate.status).toBe(200);
    expect(teammate.body).toEqual(project);
  });

  it("keeps a user without a tenant claim apart, even one whose id is the tenant's name", async () => {
    // Prepare
    const project = await newProject({ name: 'team' });

    // Act
    const lookalike = await readProject(project.id, { sub: 'acme' });

    // Assess
    expectProblem(lookalike, 404, '/problems/not-found');
  });
});
