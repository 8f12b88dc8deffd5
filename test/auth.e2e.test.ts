// Authentication and tenant isolation over HTTP on the stack npm start runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let acme: string;
let acmeTeammate: string;
let globex: string;

beforeAll(async () => {
  stack = await startStack();
  acme = await stack.token('alice', { tenant: 'acme' });
  acmeTeammate = await stack.token('bob', { tenant: 'acme' });
  globex = await stack.token('mallory', { tenant: 'globex' });
});
afterAll(async () => {
  expect(await stack?.stop()).toBe(0);
});

async function call(token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const ID = '01890000-0000-7000-8000-000000000000';
const PROTECTED_ROUTES: [string, string, unknown?][] = [
  ['POST', '/projects', { name: 'x' }],
  ['GET', '/projects'],
  ['GET', `/projects/${ID}`],
  ['PATCH', `/projects/${ID}`, { name: 'x' }],
  ['DELETE', `/projects/${ID}`],
  ['POST', `/projects/${ID}/tasks`, { title: 'x' }],
  ['GET', `/projects/${ID}/tasks`],
  ['GET', `/projects/${ID}/tasks/${ID}`],
  ['PATCH', `/projects/${ID}/tasks/${ID}`, { title: 'x' }],
  ['DELETE', `/projects/${ID}/tasks/${ID}`],
];

describe('authentication', () => {
  it('answers 401 problem+json with WWW-Authenticate on every protected route without a valid token', async () => {
    const forged = `${acme.split('.').slice(0, 2).join('.')}.${Buffer.from('not the signature').toString('base64url')}`;
    const cases: [string, string | undefined, RegExp][] = [
      ['no token', undefined, /^Bearer$/],
      ['a bad signature', forged, /error="invalid_token", error_description="the token signature is not valid"/],
      ['an expired token', await stack.token('alice', { tenant: 'acme', expiresInSeconds: -5 }), /the token has expired/],
    ];
    for (const [label, token, challenge] of cases) {
      for (const [method, path, body] of PROTECTED_ROUTES) {
        const reply = await call(token, method, path, body);
        expect(reply.status, `${label}: ${method} ${path}`).toBe(401);
        expect(reply.headers.get('content-type')).toBe('application/problem+json');
        expect(reply.headers.get('www-authenticate'), `${label}: ${method} ${path}`).toMatch(challenge);
        expect(reply.body).toMatchObject({ type: '/problems/unauthorized', status: 401 });
      }
    }
  });

  it('refuses tokens of another issuer or audience', async () => {
    const { loadLocalIssuer } = await import('@app/local-auth');
    const issuer = await loadLocalIssuer(stack.authDir);
    const wrongIssuer = await issuer.sign({ subject: 'alice', issuer: 'https://accounts.example.com' });
    const wrongAudience = await issuer.sign({ subject: 'alice', audience: 'some-other-api' });
    expect((await call(wrongIssuer, 'GET', '/projects')).headers.get('www-authenticate')).toMatch(/another issuer/);
    expect((await call(wrongAudience, 'GET', '/projects')).headers.get('www-authenticate')).toMatch(/another audience/);
  });
});

describe('tenant isolation', () => {
  it("keeps each tenant's projects and tasks out of the other's reach on every route", async () => {
    // Prepare: acme owns a project with a task
    const project = (await call(acme, 'POST', '/projects', { name: 'Acme roadmap' })).body;
    const task = (await call(acme, 'POST', `/projects/${project.id}/tasks`, { title: 'Secret plan' })).body;
    const p = `/projects/${project.id}`;
    const t = `${p}/tasks/${task.id}`;

    // Act + Assess: globex gets a plain 404 everywhere, with no hint the items exist
    const attempts = [
      await call(globex, 'GET', p),
      await call(globex, 'PATCH', p, { name: 'Pwned' }),
      await call(globex, 'DELETE', p),
      await call(globex, 'POST', `${p}/tasks`, { title: 'Injected' }),
      await call(globex, 'GET', `${p}/tasks`),
      await call(globex, 'GET', `${p}/tasks?status=open`),
      await call(globex, 'GET', t),
      await call(globex, 'PATCH', t, { status: 'done' }),
      await call(globex, 'DELETE', t),
    ];
    for (const reply of attempts) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ type: '/problems/not-found' });
    }
    expect((await call(globex, 'GET', '/projects?limit=100')).body.items).toEqual([]);

    // Nothing changed for the owner, and a teammate of the same tenant sees it all
    // (Its version may have moved: the stream consumer counts the task in taskCounts.)
    expect((await call(acme, 'GET', p)).body).toMatchObject({ name: 'Acme roadmap' });
    expect((await call(acmeTeammate, 'GET', t)).body).toMatchObject({ title: 'Secret plan', status: 'open', version: 1 });
    expect((await call(acmeTeammate, 'GET', `${p}/tasks`)).body.items).toHaveLength(1);
    expect((await call(acmeTeammate, 'GET', '/projects')).body.items.map((x: { id: string }) => x.id)).toEqual([project.id]);
  });

  it("refuses one tenant's list cursor to another", async () => {
    for (let i = 0; i < 2; i++) await call(acme, 'POST', '/projects', { name: `page ${i}` });
    const page = (await call(acme, 'GET', '/projects?limit=1')).body;
    expect(page.nextCursor).toEqual(expect.any(String));
    const reply = await call(globex, 'GET', `/projects?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ type: '/problems/invalid-cursor' });
  });
});
