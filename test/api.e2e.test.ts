// Every route over HTTP on the stack that npm start runs (sls offline + embedded DynamoDB), or
// on a deployed stage (npm run test:e2e with E2E_BASE_URL and E2E_TOKEN). Happy paths go
// through the typed client (@app/client); requests meant to fail are sent raw.
import { ApiProblem, NotModified, paginate, type Client, type Schemas } from '@app/client';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpCaller, type Call, type CallOptions } from '@app/testing';
import { clientOf } from './support/client.js';
import { expectProblem } from './support/problems.js';
import { httpTargetForSuite } from './support/target.js';

const target = httpTargetForSuite('e2e-user', 'e2e');
let call: Call;
let api: Client;
beforeAll(() => {
  call = httpCaller(target.current.baseUrl, target.current.token);
  api = clientOf(target.current);
});

/** A new project, as the API returns it (201). */
const createProject = (body: Schemas['ProjectCreate'] = { name: 'E2E', description: 'over HTTP' }) => api.createProject({ body });

/** What `promise` rejects with. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('projects over HTTP', () => {
  it('creates a project: version 1, ETag "1", no tasks counted', async () => {
    const created = await createProject();

    expect(created).toMatchObject({ name: 'E2E', description: 'over HTTP', version: 1 });
    expect(created.etag).toBe('"1"');
    expect(created.taskCounts).toEqual({ total: 0, open: 0, in_progress: 0, done: 0 });
  });

  it('answers a create with 201 and the new project in Location (headers the client does not surface)', async () => {
    const created = await call('POST', '/projects', { body: { name: 'Located' } });

    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/projects/${created.body.id}`);
  });

  it('reads a project back as it was created, with its ETag', async () => {
    const created = await createProject();

    const got = await api.getProject({ path: { projectId: created.id } });

    expect(got).toEqual(created);
    expect(got.etag).toBe('"1"');
  });

  it('resolves a read with the current ETag in ifNoneMatch to NotModified (304)', async () => {
    const created = await createProject();

    const result = await api.getProject({ path: { projectId: created.id }, ifNoneMatch: created.etag });

    expect(result).toBeInstanceOf(NotModified);
    expect(result.etag).toBe('"1"');
  });

  it('lists a created project, with a nextCursor field', async () => {
    const created = await createProject();

    const list = await api.listProjects({ query: { limit: '100' } });

    expect(list.items.map((p) => p.id)).toContain(created.id);
    expect(list).toHaveProperty('nextCursor');
  });

  it('patches with ifMatch: a null removes the field, the version and ETag move to 2', async () => {
    const created = await createProject();

    const patched = await api.updateProject({
      path: { projectId: created.id },
      body: { name: 'E2E renamed', description: null },
      ifMatch: created.etag,
    });

    expect(patched).toMatchObject({ name: 'E2E renamed', version: 2 });
    expect(patched).not.toHaveProperty('description');
    expect(patched.etag).toBe('"2"');
  });

  it('refuses a PATCH whose If-Match is a version already replaced: 412', async () => {
    const created = await createProject();
    await api.updateProject({ path: { projectId: created.id }, body: { name: 'won' }, ifMatch: '"1"' });

    const lost = await call('PATCH', `/projects/${created.id}`, { body: { name: 'lost' }, headers: { 'if-match': '"1"' } });

    expectProblem(lost, 412, '/problems/precondition-failed');
  });

  it('throws the 412 of a stale ifMatch as an ApiProblem', async () => {
    const created = await createProject();
    await api.updateProject({ path: { projectId: created.id }, body: { name: 'won' }, ifMatch: created.etag });

    const lost = await rejection(api.updateProject({ path: { projectId: created.id }, body: { name: 'lost' }, ifMatch: created.etag }));

    expect(lost).toBeInstanceOf(ApiProblem);
    expect(lost).toMatchObject({ status: 412, type: '/problems/precondition-failed' });
  });

  it('deletes a project: then 404 to a GET and to another DELETE', async () => {
    const created = await createProject();

    await expect(api.deleteProject({ path: { projectId: created.id } })).resolves.toBeUndefined();

    expectProblem(await call('GET', `/projects/${created.id}`), 404, '/problems/not-found');
    expectProblem(await call('DELETE', `/projects/${created.id}`), 404, '/problems/not-found');
  });
});

describe('paging projects', () => {
  // The tenant may hold other projects (other tests; earlier runs on a deployed stage): these
  // tests follow the three created here by their names, which no other project has.
  const run = `page-${Date.now()}`;
  const names = [0, 1, 2].map((i) => `${run} ${i}`);
  let first: Schemas['ProjectPage'];
  beforeAll(async () => {
    for (const name of names) await api.createProject({ body: { name } });
    first = await api.listProjects({ query: { limit: '2' } });
  });

  it('gives a page of `limit` items and an opaque cursor to the next', () => {
    expect(first.items).toHaveLength(2);
    expect(typeof first.nextCursor).toBe('string');
  });

  it('continues after the first page with its cursor, with none of its items', async () => {
    const second = await api.listProjects({ query: { limit: '2', cursor: first.nextCursor! } });

    expect(second.items.length).toBeGreaterThan(0);
    expect(second.items.map((p) => p.id)).not.toEqual(expect.arrayContaining([first.items[0]!.id]));
    expect(second.items.map((p) => p.id)).not.toEqual(expect.arrayContaining([first.items[1]!.id]));
  });

  it('pages through every project with paginate, each once, in creation order', async () => {
    const seen: Schemas['Project'][] = [];
    for await (const project of paginate(api.listProjects, { query: { limit: '1' } })) seen.push(project);

    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    expect(seen.map((p) => p.name).filter((name) => name.startsWith(run))).toEqual(names);
  });

  it('refuses a forged cursor: 400 invalid-cursor', async () => {
    const forged = `${first.nextCursor!.slice(0, -2)}AA`;

    expectProblem(await call('GET', `/projects?cursor=${encodeURIComponent(forged)}`), 400, '/problems/invalid-cursor');
  });

  it.each(['0', '101', 'ten', '-1'])('refuses limit=%s: 400 with one error at /query/limit', async (limit) => {
    const reply = await call('GET', `/projects?limit=${limit}`);

    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors).toEqual([expect.objectContaining({ pointer: '/query/limit' })]);
  });
});

describe('bad input', () => {
  it.each<[string, CallOptions, number, string]>([
    ['malformed JSON', { raw: '{"name":' }, 400, '/problems/bad-request'],
    ['a body that is not JSON', { raw: 'name=x', headers: { 'content-type': 'text/plain' } }, 415, '/problems/unsupported-media-type'],
    ['an empty name', { body: { name: '' } }, 400, '/problems/validation-error'],
  ])('answers %s in a POST with a problem', async (_, request, status, type) => {
    expectProblem(await call('POST', '/projects', request), status, type);
  });

  it('refuses read-only fields, with one error for each', async () => {
    const reply = await call('POST', '/projects', { body: { name: 'x', id: 'chosen', createdAt: '2020-01-01T00:00:00Z' } });

    expectProblem(reply, 400, '/problems/validation-error');
    expect(reply.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/body/createdAt', '/body/id']);
  });

  it('answers 404 to a project id that is not an id', async () => {
    expectProblem(await call('GET', '/projects/not-an-id'), 404, '/problems/not-found');
  });
});

describe('tasks over HTTP', () => {
  /** A new project, with an open task (due 2027-01-31) and a done one in it. */
  async function projectWithTasks() {
    const project = await createProject({ name: 'Tasks' });
    const path = { projectId: project.id };
    const task = await api.createTask({ path, body: { title: 'Write tests', dueDate: '2027-01-31' } });
    const done = await api.createTask({ path, body: { title: 'Done already', status: 'done' } });
    return { project, path, task, done };
  }

  it('creates a task under a project: open, version 1, with its ETag', async () => {
    const { project, task } = await projectWithTasks();

    expect(task).toMatchObject({ projectId: project.id, title: 'Write tests', status: 'open', dueDate: '2027-01-31', version: 1 });
    expect(task.etag).toBe('"1"');
  });

  it('answers a task create with its Location (a header the client does not surface)', async () => {
    const project = await createProject({ name: 'Located tasks' });

    const created = await call('POST', `/projects/${project.id}/tasks`, { body: { title: 'Located' } });

    expect(created.headers.get('location')).toBe(`/projects/${project.id}/tasks/${created.body.id}`);
  });

  it('reads a task back as it was created', async () => {
    const { path, task } = await projectWithTasks();

    expect(await api.getTask({ path: { ...path, taskId: task.id } })).toEqual(task);
  });

  it('resolves a read with the weak current ETag in ifNoneMatch to NotModified (304)', async () => {
    const { path, task } = await projectWithTasks();

    expect(await api.getTask({ path: { ...path, taskId: task.id }, ifNoneMatch: `W/${task.etag}` })).toBeInstanceOf(NotModified);
  });

  it("lists a project's tasks", async () => {
    const { path } = await projectWithTasks();

    expect((await api.listTasks({ path })).items).toHaveLength(2);
  });

  it('filters the list by ?status=', async () => {
    const { path, done } = await projectWithTasks();

    expect((await api.listTasks({ path, query: { status: 'done' } })).items.map((t) => t.id)).toEqual([done.id]);
  });

  it('ends a filtered list with a null nextCursor', async () => {
    const { path, task } = await projectWithTasks();

    expect(await api.listTasks({ path, query: { status: 'open', limit: '1' } })).toEqual({ items: [task], nextCursor: null });
  });

  it('refuses an unknown ?status=', async () => {
    const { project } = await projectWithTasks();

    expectProblem(await call('GET', `/projects/${project.id}/tasks?status=someday`), 400, '/problems/validation-error');
  });

  it('moves a task to another status with ifMatch, and the status filter follows', async () => {
    const { path, task } = await projectWithTasks();

    const moved = await api.updateTask({ path: { ...path, taskId: task.id }, body: { status: 'in_progress' }, ifMatch: task.etag });

    expect(moved).toMatchObject({ status: 'in_progress', version: 2 });
    expect((await api.listTasks({ path, query: { status: 'in_progress' } })).items.map((t) => t.id)).toEqual([task.id]);
  });

  it('refuses a PATCH whose If-Match is a version already replaced: 412', async () => {
    const { path, task } = await projectWithTasks();
    await api.updateTask({ path: { ...path, taskId: task.id }, body: { status: 'in_progress' }, ifMatch: '"1"' });

    expectProblem(
      await call('PATCH', `/projects/${path.projectId}/tasks/${task.id}`, { body: { title: 'stale' }, headers: { 'if-match': '"1"' } }),
      412,
      '/problems/precondition-failed',
    );
  });

  it('refuses a PATCH of the server-managed version', async () => {
    const { path, task } = await projectWithTasks();

    expectProblem(
      await call('PATCH', `/projects/${path.projectId}/tasks/${task.id}`, { body: { version: 9 } }),
      400,
      '/problems/validation-error',
    );
  });

  it('deletes a task: then 404', async () => {
    const { path, task } = await projectWithTasks();

    await api.deleteTask({ path: { ...path, taskId: task.id } });

    expectProblem(await call('GET', `/projects/${path.projectId}/tasks/${task.id}`), 404, '/problems/not-found');
  });

  describe('of a missing project', () => {
    const base = '/projects/01890000-0000-7000-8000-000000000000/tasks';
    it.each<{ method: string; path: string; request?: CallOptions }>([
      { method: 'POST', path: base, request: { body: { title: 'orphan' } } },
      { method: 'GET', path: base },
      { method: 'GET', path: `${base}/01890000-0000-7000-8000-000000000001` },
    ])('answers 404 to $method $path', async ({ method, path, request }) => {
      expectProblem(await call(method, path, request), 404, '/problems/not-found');
    });
  });
});
