// Every route over HTTP on the stack that npm start runs (sls offline + embedded DynamoDB), or
// on a deployed stage (npm run test:e2e with E2E_BASE_URL and E2E_TOKEN).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpCaller, type Call, type CallOptions } from '@app/testing';
import { expectProblem } from './support/problems.js';
import { httpTargetForSuite } from './support/target.js';

const target = httpTargetForSuite('e2e-user', 'e2e');
let call: Call;
beforeAll(() => {
  call = httpCaller(target.current.baseUrl, target.current.token);
});

/** A new project (201), as the API returns it. */
async function createProject(body: Record<string, unknown> = { name: 'E2E', description: 'over HTTP' }) {
  const created = await call('POST', '/projects', { body });
  expect(created.status).toBe(201);
  return created;
}

describe('projects over HTTP', () => {
  it('creates a project: 201 with its Location, ETag "1" and no tasks counted', async () => {
    const created = await createProject();

    expect(created.headers.get('location')).toBe(`/projects/${created.body.id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.taskCounts).toEqual({ total: 0, open: 0, in_progress: 0, done: 0 });
  });

  it('reads a project back as it was created, with its ETag and nosniff', async () => {
    const created = await createProject();

    const got = await call('GET', `/projects/${created.body.id}`);

    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 304 to an If-None-Match of the current ETag', async () => {
    const { body } = await createProject();

    expect((await call('GET', `/projects/${body.id}`, { headers: { 'if-none-match': '"1"' } })).status).toBe(304);
  });

  it('lists a created project, with a nextCursor field', async () => {
    const { body } = await createProject();

    const list = await call('GET', '/projects?limit=100');

    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(body.id);
    expect(list.body).toHaveProperty('nextCursor');
  });

  it('patches with If-Match: a null removes the field, the version and ETag move to 2', async () => {
    const { body } = await createProject();

    const patched = await call('PATCH', `/projects/${body.id}`, {
      body: { name: 'E2E renamed', description: null },
      headers: { 'if-match': '"1"' },
    });

    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'E2E renamed', version: 2 });
    expect(patched.body).not.toHaveProperty('description');
    expect(patched.headers.get('etag')).toBe('"2"');
  });

  it('refuses a PATCH whose If-Match is a version already replaced: 412', async () => {
    const { body } = await createProject();
    expect((await call('PATCH', `/projects/${body.id}`, { body: { name: 'won' }, headers: { 'if-match': '"1"' } })).status).toBe(200);

    const lost = await call('PATCH', `/projects/${body.id}`, { body: { name: 'lost' }, headers: { 'if-match': '"1"' } });

    expectProblem(lost, 412, '/problems/precondition-failed');
  });

  it('deletes a project: 204, then 404 to a GET and to another DELETE', async () => {
    const { body } = await createProject();

    expect((await call('DELETE', `/projects/${body.id}`)).status).toBe(204);

    expectProblem(await call('GET', `/projects/${body.id}`), 404, '/problems/not-found');
    expectProblem(await call('DELETE', `/projects/${body.id}`), 404, '/problems/not-found');
  });
});

describe('paging projects', () => {
  let first: { items: { id: string }[]; nextCursor: string };
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) await createProject({ name: `page ${i}` });
    first = (await call('GET', '/projects?limit=2')).body;
  });

  it('gives a page of `limit` items and an opaque cursor to the next', () => {
    expect(first.items).toHaveLength(2);
    expect(typeof first.nextCursor).toBe('string');
  });

  it('continues after the first page with its cursor', async () => {
    const second = await call('GET', `/projects?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);

    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.items[0]!.id);
  });

  it('refuses a forged cursor: 400 invalid-cursor', async () => {
    const forged = `${first.nextCursor.slice(0, -2)}AA`;

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
  /** A new project's tasks path, with an open task (due 2027-01-31) and a done one in it. */
  async function projectWithTasks() {
    const project = (await createProject({ name: 'Tasks' })).body;
    const base = `/projects/${project.id}/tasks`;
    const task = await call('POST', base, { body: { title: 'Write tests', dueDate: '2027-01-31' } });
    expect(task.status).toBe(201);
    const done = await call('POST', base, { body: { title: 'Done already', status: 'done' } });
    expect(done.status).toBe(201);
    return { project, base, task, done: done.body };
  }

  it('creates a task under a project: 201 with its Location, open, version 1', async () => {
    const { project, base, task } = await projectWithTasks();

    expect(task.body).toMatchObject({ projectId: project.id, title: 'Write tests', status: 'open', dueDate: '2027-01-31', version: 1 });
    expect(task.headers.get('location')).toBe(`${base}/${task.body.id}`);
  });

  it('reads a task back as it was created', async () => {
    const { base, task } = await projectWithTasks();

    expect((await call('GET', `${base}/${task.body.id}`)).body).toEqual(task.body);
  });

  it('answers 304 to an If-None-Match of the weak current ETag', async () => {
    const { base, task } = await projectWithTasks();

    expect((await call('GET', `${base}/${task.body.id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(304);
  });

  it("lists a project's tasks", async () => {
    const { base } = await projectWithTasks();

    expect((await call('GET', base)).body.items).toHaveLength(2);
  });

  it('filters the list by ?status=', async () => {
    const { base, done } = await projectWithTasks();

    expect((await call('GET', `${base}?status=done`)).body.items.map((t: { id: string }) => t.id)).toEqual([done.id]);
  });

  it('ends a filtered list with a null nextCursor', async () => {
    const { base, task } = await projectWithTasks();

    expect((await call('GET', `${base}?status=open&limit=1`)).body).toEqual({ items: [task.body], nextCursor: null });
  });

  it('refuses an unknown ?status=', async () => {
    const { base } = await projectWithTasks();

    expectProblem(await call('GET', `${base}?status=someday`), 400, '/problems/validation-error');
  });

  it('moves a task to another status with If-Match, and the status filter follows', async () => {
    const { base, task } = await projectWithTasks();

    const moved = await call('PATCH', `${base}/${task.body.id}`, { body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } });

    expect(moved.body).toMatchObject({ status: 'in_progress', version: 2 });
    expect((await call('GET', `${base}?status=in_progress`)).body.items.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
  });

  it('refuses a PATCH whose If-Match is a version already replaced: 412', async () => {
    const { base, task } = await projectWithTasks();
    const path = `${base}/${task.body.id}`;
    expect((await call('PATCH', path, { body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } })).status).toBe(200);

    expectProblem(
      await call('PATCH', path, { body: { title: 'stale' }, headers: { 'if-match': '"1"' } }),
      412,
      '/problems/precondition-failed',
    );
  });

  it('refuses a PATCH of the server-managed version', async () => {
    const { base, task } = await projectWithTasks();

    expectProblem(await call('PATCH', `${base}/${task.body.id}`, { body: { version: 9 } }), 400, '/problems/validation-error');
  });

  it('deletes a task: 204, then 404', async () => {
    const { base, task } = await projectWithTasks();

    expect((await call('DELETE', `${base}/${task.body.id}`)).status).toBe(204);

    expectProblem(await call('GET', `${base}/${task.body.id}`), 404, '/problems/not-found');
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
