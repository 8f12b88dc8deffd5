// Authentication and tenant isolation over HTTP on the stack npm start runs.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadLocalIssuer } from '@app/local-auth';
import { httpCaller, type Call } from '@app/testing';
import { expectProblem } from './support/problems.js';
import { stackForSuite, type Stack } from './support/stack.js';

const stack = stackForSuite();
/** Sends no token unless a call names one. */
let call: Call;
let acme: string;
let acmeTeammate: string;
let globex: string;

beforeAll(async () => {
  call = httpCaller(stack.current.baseUrl);
  acme = await stack.current.token('alice', { tenant: 'acme' });
  acmeTeammate = await stack.current.token('bob', { tenant: 'acme' });
  globex = await stack.current.token('mallory', { tenant: 'globex' });
});

const ID = '01890000-0000-7000-8000-000000000000';
const PROTECTED_ROUTES: { method: string; path: string; body?: unknown }[] = [
  { method: 'POST', path: '/projects', body: { name: 'x' } },
  { method: 'GET', path: '/projects' },
  { method: 'GET', path: `/projects/${ID}` },
  { method: 'PATCH', path: `/projects/${ID}`, body: { name: 'x' } },
  { method: 'DELETE', path: `/projects/${ID}` },
  { method: 'POST', path: `/projects/${ID}/tasks`, body: { title: 'x' } },
  { method: 'GET', path: `/projects/${ID}/tasks` },
  { method: 'GET', path: `/projects/${ID}/tasks/${ID}` },
  { method: 'PATCH', path: `/projects/${ID}/tasks/${ID}`, body: { title: 'x' } },
  { method: 'DELETE', path: `/projects/${ID}/tasks/${ID}` },
];

const INVALID_TOKENS: [string, (stack: Stack) => Promise<string | null>, RegExp][] = [
  ['no token', async () => null, /^Bearer$/],
  [
    'a bad signature',
    async () => `${acme.split('.').slice(0, 2).join('.')}.${Buffer.from('not the signature').toString('base64url')}`,
    /error="invalid_token", error_description="the token signature is not valid"/,
  ],
  ['an expired token', (stack) => stack.token('alice', { tenant: 'acme', expiresInSeconds: -5 }), /the token has expired/],
];

describe.each(INVALID_TOKENS)('authentication with %s', (_, makeToken, challenge) => {
  let token: string | null;
  beforeAll(async () => {
    token = await makeToken(stack.current);
  });

  it.each(PROTECTED_ROUTES)(
    'answers $method $path with 401 problem+json and a WWW-Authenticate challenge',
    async ({ method, path, body }) => {
      const reply = await call(method, path, { body, token });

      expectProblem(reply, 401, '/problems/unauthorized');
      expect(reply.headers.get('www-authenticate')).toMatch(challenge);
    },
  );
});

describe('authentication with a token of the local issuer', () => {
  it.each([
    ['another issuer', { issuer: 'https://accounts.example.com' }, /another issuer/],
    ['another audience', { audience: 'some-other-api' }, /another audience/],
  ])('refuses one for %s', async (_, claims, challenge) => {
    const issuer = await loadLocalIssuer(stack.current.authDir);
    const token = await issuer.sign({ subject: 'alice', ...claims });

    expect((await call('GET', '/projects', { token })).headers.get('www-authenticate')).toMatch(challenge);
  });
});

describe('tenant isolation', () => {
  // Prepare: acme owns a project with a task. The tests below run in this order: globex's
  // attempts first, then what acme sees afterwards.
  let p: string;
  let t: string;
  let projectId: string;
  beforeAll(async () => {
    const project = await call('POST', '/projects', { body: { name: 'Acme roadmap' }, token: acme });
    expect(project.status).toBe(201);
    const task = await call('POST', `/projects/${project.body.id}/tasks`, { body: { title: 'Secret plan' }, token: acme });
    expect(task.status).toBe(201);
    projectId = project.body.id;
    p = `/projects/${projectId}`;
    t = `${p}/tasks/${task.body.id}`;
  });

  // Another tenant gets a plain 404 everywhere, with no hint the items exist.
  it.each<{ method: string; what: string; path: (paths: { p: string; t: string }) => string; body?: unknown }>([
    { method: 'GET', what: 'the project', path: ({ p }) => p },
    { method: 'PATCH', what: 'the project', path: ({ p }) => p, body: { name: 'Pwned' } },
    { method: 'DELETE', what: 'the project', path: ({ p }) => p },
    { method: 'POST', what: 'a task into the project', path: ({ p }) => `${p}/tasks`, body: { title: 'Injected' } },
    { method: 'GET', what: "the project's tasks", path: ({ p }) => `${p}/tasks` },
    { method: 'GET', what: "the project's open tasks", path: ({ p }) => `${p}/tasks?status=open` },
    { method: 'GET', what: 'the task', path: ({ t }) => t },
    { method: 'PATCH', what: 'the task', path: ({ t }) => t, body: { status: 'done' } },
    { method: 'DELETE', what: 'the task', path: ({ t }) => t },
  ])("answers another tenant's $method of $what with 404", async ({ method, path, body }) => {
    expectProblem(await call(method, path({ p, t }), { body, token: globex }), 404, '/problems/not-found');
  });

  it('shows another tenant none of the projects in its list', async () => {
    expect((await call('GET', '/projects?limit=100', { token: globex })).body.items).toEqual([]);
  });

  it('leaves the owner its project as it was', async () => {
    expect((await call('GET', p, { token: acme })).body).toMatchObject({ name: 'Acme roadmap' });
  });

  it('shows a teammate of the same tenant the task, unchanged', async () => {
    expect((await call('GET', t, { token: acmeTeammate })).body).toMatchObject({ title: 'Secret plan', status: 'open', version: 1 });
  });

  it("shows a teammate of the same tenant the project's one task and the tenant's one project", async () => {
    expect((await call('GET', `${p}/tasks`, { token: acmeTeammate })).body.items).toHaveLength(1);
    expect((await call('GET', '/projects', { token: acmeTeammate })).body.items.map((x: { id: string }) => x.id)).toEqual([projectId]);
  });

  it("refuses one tenant's list cursor to another", async () => {
    for (let i = 0; i < 2; i++) expect((await call('POST', '/projects', { body: { name: `page ${i}` }, token: acme })).status).toBe(201);
    const page = (await call('GET', '/projects?limit=1', { token: acme })).body;
    expect(page.nextCursor).toEqual(expect.any(String));

    const reply = await call('GET', `/projects?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`, { token: globex });

    expectProblem(reply, 400, '/problems/invalid-cursor');
  });
});
