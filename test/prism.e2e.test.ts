// An independent validator in the loop: Stoplight Prism, in proxy mode, between the typed
// client and the running stack. Every operation of the document goes through it, errors
// included, and Prism must report no response violation: neither in the `sl-violations` header
// it adds to a response, nor as a `Violation: response…` line in its log. (Request violations
// are expected where a case sends a bad request on purpose.) Prism runs from node_modules
// with no network; it is listening about a second after it starts.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ApiProblem } from '@app/client';
import { createClient, NotModified, paginate, type Client } from '@app/client';
import { matchRoute, ROUTES } from '@app/schema';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, freePort } from '@app/testing';
import { OPENAPI_PATH } from './support/contract.js';
import { HOOK_TIMEOUT_MS, ROOT_DIR, stackForSuite } from './support/stack.js';

const stack = stackForSuite();

interface Violation {
  location: string[];
  severity: string;
  message: string;
}
interface Exchange {
  operationId: string;
  status: number;
  violations: Violation[];
}

let prism: ChildProcess;
let prismLog = '';
let prismUrl: string;
const exchanges: Exchange[] = [];

/** A fetch that notes, for each exchange through Prism, the operation, the status and what Prism reported. */
async function observingFetch(request: Request): Promise<Response> {
  const response = await fetch(request);
  const header = response.headers.get('sl-violations');
  const path = new URL(request.url).pathname;
  exchanges.push({
    operationId: matchRoute(request.method, path)?.operationId ?? `${request.method} ${path}`,
    status: response.status,
    violations: header ? (JSON.parse(header) as Violation[]) : [],
  });
  return response;
}

const client = (token?: string): Client => createClient({ baseUrl: prismUrl, token, fetch: observingFetch, retry: false });
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as ApiProblem,
  );

beforeAll(async () => {
  const port = await freePort();
  prismUrl = `http://127.0.0.1:${port}`;
  prism = spawn(
    join(ROOT_DIR, 'node_modules/.bin/prism'),
    ['proxy', OPENAPI_PATH, stack.current.baseUrl, '--host', '127.0.0.1', '--port', String(port), '--cors=false', '--errors=false'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prism.stdout!.on('data', (chunk: Buffer) => void (prismLog += chunk.toString()));
  prism.stderr!.on('data', (chunk: Buffer) => void (prismLog += chunk.toString()));
  await eventually(() => /Prism is listening/.test(prismLog) || undefined, {
    timeoutMs: 30_000,
    intervalMs: 50,
    description: 'Prism to listen',
  });
}, HOOK_TIMEOUT_MS);
afterAll(async () => {
  if (prism && prism.exitCode === null) {
    const exited = new Promise((resolve) => prism.once('exit', resolve));
    prism.kill('SIGTERM');
    await exited;
  }
});

describe('every operation through Prism (proxy mode)', () => {
  beforeAll(async () => {
    const token = await stack.current.token('prism', { tenant: `prism-${Date.now()}` });
    const api = client(token);

    // Projects and tasks, happy paths
    const project = await api.createProject({ body: { name: 'Through Prism', description: 'validated' }, idempotencyKey: true });
    const projectPath = { projectId: project.id };
    await api.getProject({ path: projectPath });
    expect(await api.getProject({ path: projectPath, ifNoneMatch: project.etag })).toBeInstanceOf(NotModified);
    const renamed = await api.updateProject({ path: projectPath, body: { name: 'Renamed' }, ifMatch: project.etag });
    const tasks = [];
    for (const title of ['one', 'two', 'three']) tasks.push(await api.createTask({ path: projectPath, body: { title } }));
    for await (const task of paginate(api.listTasks, { path: projectPath, query: { limit: '2' } })) expect(task.title).toBeDefined();
    await api.listTasks({ path: projectPath, query: { status: 'open' } });
    const taskPath = { ...projectPath, taskId: tasks[0]!.id };
    const task = await api.getTask({ path: taskPath });
    expect(await api.getTask({ path: taskPath, ifNoneMatch: task.etag })).toBeInstanceOf(NotModified);
    await api.updateTask({ path: taskPath, body: { status: 'done', dueDate: '2027-02-01' }, ifMatch: task.etag });
    for await (const project of paginate(api.listProjects, { query: { limit: '1' } })) expect(project.id).toBeDefined();
    await api.listActivity({ path: projectPath });
    await api.deleteTask({ path: { ...projectPath, taskId: tasks[1]!.id } });
    await api.getOpenApiDocument();
    await api.getDocsPage();
    await api.getDocsAsset({ path: { asset: 'swagger-ui.css' } });

    // Errors: every problem status the document lists that a client can cause
    const unknown = '01890000-0000-7000-8000-000000000000';
    await rejection(client().listProjects()); // 401
    await rejection(api.getProject({ path: { projectId: unknown } })); // 404
    await rejection(api.getDocsAsset({ path: { asset: 'nothing.js' } })); // 404
    await rejection(api.createProject({ body: { name: '' } })); // 400 validation
    await rejection(api.listProjects({ query: { cursor: 'forged' } })); // 400 invalid cursor
    await rejection(api.listTasks({ path: projectPath, query: { limit: '0' } })); // 400 validation
    await rejection(api.updateProject({ path: projectPath, body: { name: 'lost' }, ifMatch: project.etag })); // 412 (stale)
    await rejection(api.updateProject({ path: projectPath, body: { name: 'x' }, ifMatch: 'not-a-tag' })); // 400 malformed
    await rejection(api.deleteTask({ path: taskPath, ifNoneMatch: '*' })); // 412
    await rejection(api.getTask({ path: taskPath, ifMatch: '"stale-etag"' })); // 412
    await api.createTask({ path: projectPath, body: { title: 'keyed' }, idempotencyKey: 'prism-key-1' });
    await rejection(api.createTask({ path: projectPath, body: { title: 'other' }, idempotencyKey: 'prism-key-1' })); // 422
    await rejection(
      api.createProject({ body: { name: 'x'.repeat(70_000) } }), // 413 (or 400: too long a name)
    );
    // Task changes leave the project's version alone (docs/scale.md): the ETag of the rename,
    // before any task was created, changed or deleted, is still the project's.
    await api.deleteProject({ path: projectPath, ifMatch: renamed.etag });
    expect(renamed.version).toBe(2);
  }, 120_000);

  it('drives every operation of the document', () => {
    expect(new Set(exchanges.map((e) => e.operationId))).toEqual(new Set(ROUTES.map((route) => route.operationId)));
  });

  it('gets errors as well as successes through it', () => {
    expect(new Set(exchanges.map((e) => e.status))).toEqual(new Set([200, 201, 204, 304, 400, 401, 404, 412, 413, 422]));
  });

  it('reports no response violation in sl-violations', () => {
    const found = exchanges.flatMap((e) =>
      e.violations.filter((v) => v.location[0] === 'response').map((v) => `${e.operationId}: ${v.message}`),
    );

    expect(found).toEqual([]);
  });

  it('logs no response violation', () => {
    expect(prismLog.split('\n').filter((line) => /Violation: response/.test(line))).toEqual([]);
  });

  it('does report violations, in the header and the log: the requests that were bad on purpose', () => {
    expect(exchanges.filter((e) => e.violations.some((v) => v.location[0] === 'request')).map((e) => e.status)).toContain(400);
    expect(prismLog).toMatch(/Violation: request/);
  });
});
