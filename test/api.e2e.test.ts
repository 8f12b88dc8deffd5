// Every route over HTTP on the stack that npm start runs (sls offline + embedded DynamoDB).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let token: string;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.token('e2e-user', { tenant: 'e2e' });
});
afterAll(async () => {
  expect(await stack?.stop()).toBe(0);
});

interface Reply {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary JSON under test
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const hasBody = options.body !== undefined || options.raw !== undefined;
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

function expectProblem(reply: Reply, status: number, type: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.(m?js|ts):\d+|Exception|DynamoDB|node_modules/);
}

describe('projects over HTTP', () => {
  it('runs the full lifecycle: create, get, 304, list, patch with If-Match, 412, delete', async () => {
    const created = await call('POST', '/projects', { body: { name: 'E2E', description: 'over HTTP' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/projects/${id}`);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body.taskCounts).toEqual({ total: 0, open: 0, in_progress: 0, done: 0 });

    const got = await call('GET', `/projects/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await call('GET', `/projects/${id}`, { headers: { 'if-none-match': '"1"' } })).status).toBe(304);

    const list = await call('GET', '/projects?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toContain(id);
    expect(list.body).toHaveProperty('nextCursor');

    const patched = await call('PATCH', `/projects/${id}`, {
      body: { name: 'E2E renamed', description: null },
      headers: { 'if-match': '"1"' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'E2E renamed', version: 2 });
    expect(patched.body).not.toHaveProperty('description');
    expect(patched.headers.get('etag')).toBe('"2"');
    expectProblem(
      await call('PATCH', `/projects/${id}`, { body: { name: 'lost' }, headers: { 'if-match': '"1"' } }),
      412,
      '/problems/precondition-failed',
    );

    expect((await call('DELETE', `/projects/${id}`)).status).toBe(204);
    expectProblem(await call('GET', `/projects/${id}`), 404, '/problems/not-found');
    expectProblem(await call('DELETE', `/projects/${id}`), 404, '/problems/not-found');
  });

  it('pages with an opaque cursor and refuses forged ones and bad limits', async () => {
    for (let i = 0; i < 3; i++) expect((await call('POST', '/projects', { body: { name: `page ${i}` } })).status).toBe(201);
    const first = await call('GET', '/projects?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await call('GET', `/projects?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.status).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expectProblem(
      await call('GET', `/projects?cursor=${encodeURIComponent(first.body.nextCursor.slice(0, -2) + 'AA')}`),
      400,
      '/problems/invalid-cursor',
    );
    for (const limit of ['0', '101', 'ten', '-1']) {
      const reply = await call('GET', `/projects?limit=${limit}`);
      expectProblem(reply, 400, '/problems/validation-error');
      expect(reply.body.errors).toEqual([expect.objectContaining({ pointer: '/query/limit' })]);
    }
  });

  it('answers clear 4xx problems to bad input', async () => {
    expectProblem(await call('POST', '/projects', { raw: '{"name":' }), 400, '/problems/bad-request');
    expectProblem(
      await call('POST', '/projects', { raw: 'name=x', headers: { 'content-type': 'text/plain' } }),
      415,
      '/problems/unsupported-media-type',
    );
    const readOnly = await call('POST', '/projects', { body: { name: 'x', id: 'chosen', createdAt: '2020-01-01T00:00:00Z' } });
    expectProblem(readOnly, 400, '/problems/validation-error');
    expect(readOnly.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/body/createdAt', '/body/id']);
    expectProblem(await call('POST', '/projects', { body: { name: '' } }), 400, '/problems/validation-error');
    expectProblem(await call('GET', '/projects/not-an-id'), 404, '/problems/not-found');
  });
});

describe('tasks over HTTP', () => {
  it('runs the full lifecycle under a project, with ?status= and If-Match', async () => {
    const project = (await call('POST', '/projects', { body: { name: 'Tasks' } })).body;
    const base = `/projects/${project.id}/tasks`;
    const task = await call('POST', base, { body: { title: 'Write tests', dueDate: '2027-01-31' } });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({ projectId: project.id, title: 'Write tests', status: 'open', dueDate: '2027-01-31', version: 1 });
    expect(task.headers.get('location')).toBe(`${base}/${task.body.id}`);
    const done = await call('POST', base, { body: { title: 'Done already', status: 'done' } });

    expect((await call('GET', `${base}/${task.body.id}`)).body).toEqual(task.body);
    expect((await call('GET', `${base}/${task.body.id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(304);
    expect((await call('GET', base)).body.items).toHaveLength(2);
    expect((await call('GET', `${base}?status=done`)).body.items.map((t: { id: string }) => t.id)).toEqual([done.body.id]);
    expect((await call('GET', `${base}?status=open&limit=1`)).body).toEqual({ items: [task.body], nextCursor: null });
    expectProblem(await call('GET', `${base}?status=someday`), 400, '/problems/validation-error');

    const moved = await call('PATCH', `${base}/${task.body.id}`, { body: { status: 'in_progress' }, headers: { 'if-match': '"1"' } });
    expect(moved.body).toMatchObject({ status: 'in_progress', version: 2 });
    expect((await call('GET', `${base}?status=in_progress`)).body.items.map((t: { id: string }) => t.id)).toEqual([task.body.id]);
    expectProblem(
      await call('PATCH', `${base}/${task.body.id}`, { body: { title: 'stale' }, headers: { 'if-match': '"1"' } }),
      412,
      '/problems/precondition-failed',
    );
    expectProblem(await call('PATCH', `${base}/${task.body.id}`, { body: { version: 9 } }), 400, '/problems/validation-error');

    expect((await call('DELETE', `${base}/${task.body.id}`)).status).toBe(204);
    expectProblem(await call('GET', `${base}/${task.body.id}`), 404, '/problems/not-found');
  });

  it('answers 404 for tasks of a missing project', async () => {
    const base = '/projects/01890000-0000-7000-8000-000000000000/tasks';
    expectProblem(await call('POST', base, { body: { title: 'orphan' } }), 404, '/problems/not-found');
    expectProblem(await call('GET', base), 404, '/problems/not-found');
    expectProblem(await call('GET', `${base}/01890000-0000-7000-8000-000000000001`), 404, '/problems/not-found');
  });
});
