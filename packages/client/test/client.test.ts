// The client against a scripted server (test/fake-api.ts): what it sends, what it resolves to,
// what it throws, when it retries. The same client against the real stack: test/ (e2e).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiProblem, createClient, NotModified, paginate, type Client } from '../src/index.js';
import { backoffMs, DEFAULT_RETRY, retryDelayMs } from '../src/transport.js';
import { retryAfterOf } from '../src/errors.js';
import { json, problem, startFakeApi, type FakeApi } from './fake-api.js';

const projectId = '01890000-0000-7000-8000-000000000000';
const taskId = '01890000-0000-7000-8000-000000000001';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const project = { id: projectId, name: 'P', version: 1 };

let server: FakeApi;
let api: Client;
beforeAll(async () => {
  server = await startFakeApi();
});
afterAll(async () => server.stop());
beforeEach(() => {
  server.reset();
  api = createClient({ baseUrl: server.baseUrl, token: 'secret', retry: { baseDelayMs: 1 } });
});

describe('createClient', () => {
  it.each([undefined, '', 'localhost:3000', 'ftp://x'])('refuses a baseUrl of %p', (baseUrl) => {
    expect(() => createClient({ baseUrl } as never)).toThrow(/baseUrl must be an http\(s\) URL/);
  });

  it('has one method per operation', () => {
    expect(Object.keys(api)).toEqual(expect.arrayContaining(['createProject', 'listTasks', 'getDocsAsset', 'listActivity']));
  });
});

describe('requests', () => {
  it('sends the path, query, JSON body and bearer token the method was given', async () => {
    // Prepare
    server.reply(json(201, { id: taskId }));

    // Act
    await api.createTask({ path: { projectId }, body: { title: 'Write tests', dueDate: '2027-01-31' } });

    // Assess
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: `/projects/${projectId}/tasks`,
      headers: { authorization: 'Bearer secret', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Write tests', dueDate: '2027-01-31' }),
    });
  });

  it('sends the query of a list', async () => {
    server.reply(json(200, { items: [], nextCursor: null }));

    await api.listTasks({ path: { projectId }, query: { status: 'in_progress', limit: '5' } });

    expect(server.requests[0]!.url).toBe(`/projects/${projectId}/tasks?status=in_progress&limit=5`);
  });

  it('encodes a path parameter', async () => {
    server.reply({ status: 404, body: 'no' });

    await expect(api.getDocsAsset({ path: { asset: 'a b/c' } })).rejects.toBeInstanceOf(ApiProblem);

    expect(server.requests[0]!.url).toBe('/docs/a%20b%2Fc');
  });

  it('sends a PATCH as the merge patch the operation prefers', async () => {
    server.reply(json(200, project));

    await api.updateProject({ path: { projectId }, body: { description: null } });

    expect(server.requests[0]!.headers['content-type']).toBe('application/merge-patch+json');
  });

  it('asks a token function before each attempt, so that it can refresh the token', async () => {
    // Prepare
    const tokens = ['first', 'second'];
    const client = createClient({ baseUrl: server.baseUrl, token: async () => tokens.shift()!, retry: { baseDelayMs: 1 } });
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '0' }), json(200, { items: [], nextCursor: null }));

    // Act
    await client.listProjects();

    // Assess
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer second']);
  });

  it('sends no Authorization without a token', async () => {
    await createClient({ baseUrl: server.baseUrl }).getOpenApiDocument();

    expect(server.requests[0]!.headers).not.toHaveProperty('authorization');
  });

  it.each<[string, Parameters<Client['updateTask']>[0], Record<string, string>]>([
    ['ifMatch', { path: { projectId, taskId }, body: { title: 't' }, ifMatch: '"3"' }, { 'if-match': '"3"' }],
    ['a list of tags', { path: { projectId, taskId }, body: { title: 't' }, ifMatch: ['"3"', '"4"'] }, { 'if-match': '"3", "4"' }],
    ['ifNoneMatch', { path: { projectId, taskId }, body: { title: 't' }, ifNoneMatch: '*' }, { 'if-none-match': '*' }],
    ['other headers', { path: { projectId, taskId }, body: { title: 't' }, headers: { 'X-Trace': 'abc' } }, { 'x-trace': 'abc' }],
  ])('sends %s as headers', async (_, args, headers) => {
    server.reply(json(200, project));

    await api.updateTask(args);

    expect(server.requests[0]!.headers).toMatchObject(headers);
  });

  it('sends the Idempotency-Key it is given', async () => {
    server.reply(json(201, project));

    await api.createProject({ body: { name: 'P' }, idempotencyKey: 'my-key-1' });

    expect(server.requests[0]!.headers['idempotency-key']).toBe('my-key-1');
  });

  it('makes up a random Idempotency-Key when asked, the same one for each retry', async () => {
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '0' }), json(201, project));

    await api.createProject({ body: { name: 'P' }, idempotencyKey: true });

    const [first, second] = server.requests.map((r) => r.headers['idempotency-key']);
    expect(first).toMatch(UUID);
    expect(second).toBe(first);
  });
});

describe('responses', () => {
  it('resolves to the body, with the ETag as a property that is not part of it', async () => {
    // Prepare
    server.reply(json(200, project, { etag: '"1"' }));

    // Act
    const got = await api.getProject({ path: { projectId } });

    // Assess
    expect(got.etag).toBe('"1"');
    expect(got).toEqual(project);
    expect(JSON.parse(JSON.stringify(got))).toEqual(project);
  });

  it('resolves a 204 to undefined', async () => {
    server.reply({ status: 204 });

    await expect(api.deleteTask({ path: { projectId, taskId } })).resolves.toBeUndefined();
  });

  it('resolves a 304 to NotModified with the current ETag', async () => {
    server.reply({ status: 304, headers: { etag: '"4"' } });

    const result = await api.getTask({ path: { projectId, taskId }, ifNoneMatch: '"4"' });

    expect(result).toBeInstanceOf(NotModified);
    expect(result).toMatchObject({ status: 304, etag: '"4"' });
  });

  it('resolves an operation that answers text to the text', async () => {
    server.reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html></html>' });

    await expect(api.getDocsPage()).resolves.toBe('<html></html>');
  });
});

describe('problems', () => {
  it('throws an ApiProblem with the problem+json fields', async () => {
    // Prepare
    const errors = [{ pointer: '/body/name', message: 'must not be empty' }];
    server.reply(problem(400, '/problems/validation-error', {}, { errors }));

    // Act
    const thrown = await api.createProject({ body: { name: '' } }).catch((error: unknown) => error);

    // Assess
    expect(thrown).toBeInstanceOf(ApiProblem);
    expect(thrown).toMatchObject({ status: 400, type: '/problems/validation-error', title: 'A title', detail: 'What went wrong.', errors });
    expect((thrown as ApiProblem).message).toBe('400 A title: What went wrong.');
  });

  it('gives a problem without errors an empty list', async () => {
    server.reply(problem(404, '/problems/not-found'));

    await expect(api.getProject({ path: { projectId } })).rejects.toMatchObject({ type: '/problems/not-found', errors: [] });
  });

  it('throws an about:blank ApiProblem for an error that is not problem+json', async () => {
    server.reply({ status: 502, headers: { 'content-type': 'text/html' }, body: '<h1>Bad gateway</h1>' });

    await expect(api.createProject({ body: { name: 'x' } })).rejects.toMatchObject({
      type: 'about:blank',
      status: 502,
      title: 'Bad Gateway',
      detail: '<h1>Bad gateway</h1>',
    });
  });

  it('throws an about:blank ApiProblem for a JSON error that is not a problem', async () => {
    server.reply(json(401, { message: 'Unauthorized' }));

    await expect(api.listProjects()).rejects.toMatchObject({ type: 'about:blank', status: 401, detail: '{"message":"Unauthorized"}' });
  });

  it('tells how long the server asked to wait', async () => {
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '2' }));

    await expect(api.updateProject({ path: { projectId }, body: { name: 'x' } })).rejects.toMatchObject({
      status: 503,
      retryAfterMs: 2000,
    });
  });
});

describe('retries', () => {
  const unavailable = () => problem(503, '/problems/service-unavailable', { 'retry-after': '0' });
  const throttled = () => problem(429, '/problems/too-many-requests', { 'retry-after': '0' });

  it.each<[string, (api: Client) => Promise<unknown>, number]>([
    ['a GET', (c) => c.getProject({ path: { projectId } }), 2],
    ['a DELETE', (c) => c.deleteProject({ path: { projectId } }), 2],
    ['a POST with an Idempotency-Key', (c) => c.createProject({ body: { name: 'x' }, idempotencyKey: 'k1' }), 2],
    ['a POST without one', (c) => c.createProject({ body: { name: 'x' } }), 1],
    ['a PATCH (not idempotent, and takes no key)', (c) => c.updateProject({ path: { projectId }, body: { name: 'x' }, ifMatch: '"1"' }), 1],
  ])('sends %s after a 503 %i time(s) in all', async (_, act, attempts) => {
    // Prepare
    server.reply(unavailable(), json(200, project));

    // Act
    await act(api).catch(() => undefined);

    // Assess
    expect(server.requests).toHaveLength(attempts);
  });

  it('retries a 429 of an idempotent request', async () => {
    server.reply(throttled(), json(200, { items: [], nextCursor: null }));

    await expect(api.listProjects()).resolves.toEqual({ items: [], nextCursor: null });
    expect(server.requests).toHaveLength(2);
  });

  it('throws the 503 of a POST without an Idempotency-Key at once', async () => {
    server.reply(unavailable());

    await expect(api.createProject({ body: { name: 'x' } })).rejects.toMatchObject({ status: 503 });
  });

  it('waits as long as Retry-After says', async () => {
    // Prepare
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '1' }), json(200, project));
    const started = performance.now();

    // Act
    await api.getProject({ path: { projectId } });

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after `retries` retries, with the last problem', async () => {
    server.reply(unavailable(), unavailable(), unavailable(), unavailable(), json(200, project));

    await expect(api.getProject({ path: { projectId } })).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(DEFAULT_RETRY.retries + 1);
  });

  it('does not wait for a Retry-After longer than maxDelayMs', async () => {
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '60' }), json(200, project));

    await expect(api.getProject({ path: { projectId } })).rejects.toMatchObject({ status: 503, retryAfterMs: 60_000 });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a keyed create while the first request with that key is in progress (409 with Retry-After)', async () => {
    server.reply(problem(409, '/problems/idempotency-in-progress', { 'retry-after': '0' }), json(201, project));

    await expect(api.createProject({ body: { name: 'P' }, idempotencyKey: 'k2' })).resolves.toEqual(project);
  });

  it('does not retry a 409 without Retry-After', async () => {
    server.reply(problem(409, '/problems/conflict'), json(201, project));

    await expect(api.createProject({ body: { name: 'P' }, idempotencyKey: 'k3' })).rejects.toMatchObject({ status: 409 });
  });

  it('retries an idempotent request that got no response', async () => {
    server.reply({ status: 0, hangUp: true }, json(200, project));

    await expect(api.getProject({ path: { projectId } })).resolves.toEqual(project);
    expect(server.requests).toHaveLength(2);
  });

  it('does not send a POST without a key again when it got no response', async () => {
    server.reply({ status: 0, hangUp: true }, json(201, project));

    await expect(api.createProject({ body: { name: 'P' } })).rejects.toThrow('fetch failed');
    expect(server.requests).toHaveLength(1);
  });

  it('makes no retry with retry: false', async () => {
    server.reply(unavailable(), json(200, project));

    const client = createClient({ baseUrl: server.baseUrl, retry: false });

    await expect(client.getProject({ path: { projectId } })).rejects.toMatchObject({ status: 503 });
  });

  it('stops waiting to retry when the request is aborted', async () => {
    // Prepare
    server.reply(problem(503, '/problems/service-unavailable', { 'retry-after': '5' }), json(200, project));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gave up')), 50);

    // Act
    const started = performance.now();
    const outcome = api.getProject({ path: { projectId }, signal: controller.signal });

    // Assess
    await expect(outcome).rejects.toThrow('gave up');
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('retry arithmetic', () => {
  const policy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
  const response = (status: number, headers: Record<string, string> = {}) => new Response(null, { status, headers });
  const get = new Request('http://x/projects');

  it.each([
    [0, 0, 50],
    [0, 1, 100],
    [2, 0, 200],
    [2, 1, 400],
    [6, 1, 1_000],
  ])('waits, before retry %i with random() = %i, %i ms', (attempt, random, wait) => {
    expect(backoffMs(policy, attempt, () => random)).toBe(wait);
  });

  it.each<[string, number | undefined, Response]>([
    ['a 503 with Retry-After: 1', 1_000, response(503, { 'retry-after': '1' })],
    ['a 503 with Retry-After: 0', 0, response(503, { 'retry-after': '0' })],
    ['a 503 with a Retry-After longer than maxDelayMs', undefined, response(503, { 'retry-after': '2' })],
    ['a 429 without Retry-After', 50, response(429)],
    ['a 200', undefined, response(200)],
    ['a 500', undefined, response(500)],
    ['a 409 of a request without a key', undefined, response(409, { 'retry-after': '1' })],
  ])('retries after %s in %p ms', (_, wait, reply) => {
    expect(retryDelayMs(reply, get, policy, 0, () => 0)).toBe(wait);
  });

  it.each<[string, number | undefined]>([
    ['3', 3_000],
    [new Date(Date.now() + 10_000).toUTCString(), expect.any(Number) as unknown as number],
    ['soon', undefined],
  ])('reads Retry-After: %s', (value, ms) => {
    expect(retryAfterOf(new Headers({ 'retry-after': value }))).toEqual(ms);
  });

  it('reads a past HTTP-date as no wait', () => {
    expect(retryAfterOf(new Headers({ 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }))).toBe(0);
  });
});

describe('paginate', () => {
  const task = (n: number) => ({ id: `t${n}` });

  it('yields every item of every page, passing each nextCursor back with the rest of the query', async () => {
    // Prepare
    server.reply(
      json(200, { items: [task(1), task(2)], nextCursor: 'c1' }),
      json(200, { items: [task(3)], nextCursor: 'c2' }),
      json(200, { items: [], nextCursor: null }),
    );

    // Act
    const items = [];
    for await (const item of paginate(api.listTasks, { path: { projectId }, query: { status: 'open', limit: '2' } })) items.push(item);

    // Assess
    expect(items).toEqual([task(1), task(2), task(3)]);
    expect(server.requests.map((r) => r.url)).toEqual([
      `/projects/${projectId}/tasks?status=open&limit=2`,
      `/projects/${projectId}/tasks?status=open&limit=2&cursor=c1`,
      `/projects/${projectId}/tasks?status=open&limit=2&cursor=c2`,
    ]);
  });

  it('asks for no further page once the caller stops', async () => {
    server.reply(json(200, { items: [task(1), task(2)], nextCursor: 'c1' }), json(200, { items: [task(3)], nextCursor: null }));

    for await (const item of paginate(api.listProjects)) if (item) break;

    expect(server.requests).toHaveLength(1);
  });
});
