// Conditional requests over HTTP (RFC 9110 sections 13.1.1, 13.1.2, 13.2.2, 15.4.5), on the
// stack npm start runs: a table of If-Match / If-None-Match cases for GET, PATCH and DELETE of
// a project at version 2, and what a 304 carries. The headers are built by hand on purpose.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { httpCaller, type Call } from '@app/testing';
import { clientFor } from './support/client.js';
import { expectProblem } from './support/problems.js';
import { stackForSuite } from './support/stack.js';
import type { Client } from '@app/client';

const stack = stackForSuite();
let call: Call;
let api: Client;
beforeAll(async () => {
  call = httpCaller(stack.current.baseUrl, await stack.current.token('conditional', { tenant: 'conditional' }));
  api = await clientFor(stack.current, 'conditional', 'conditional');
});

/** A project at version 2 (ETag "2"); its path. */
async function projectAtVersion2(): Promise<string> {
  const project = await api.createProject({ body: { name: 'v1' } });
  await api.updateProject({ path: { projectId: project.id }, body: { name: 'v2' } });
  return `/projects/${project.id}`;
}

type Outcome = 'ok' | 304 | 412 | 400;
// [case, headers, GET, PATCH and DELETE]
const CASES: [string, Record<string, string>, Outcome, Outcome][] = [
  ['If-Match of the current tag', { 'if-match': '"2"' }, 'ok', 'ok'],
  ['If-Match of a replaced tag', { 'if-match': '"1"' }, 412, 412],
  ['If-Match: "stale-etag"', { 'if-match': '"stale-etag"' }, 412, 412],
  ['If-Match: "1", "2"', { 'if-match': '"1", "2"' }, 'ok', 'ok'],
  ['If-Match: *', { 'if-match': '*' }, 'ok', 'ok'],
  ['If-Match of the weak current tag', { 'if-match': 'W/"2"' }, 412, 412],
  ['a malformed If-Match', { 'if-match': 'banana' }, 400, 400],
  ['If-None-Match of the current tag', { 'if-none-match': '"2"' }, 304, 412],
  ['If-None-Match of the weak current tag', { 'if-none-match': 'W/"2"' }, 304, 412],
  ['If-None-Match: *', { 'if-none-match': '*' }, 304, 412],
  ['If-None-Match: "1", "3"', { 'if-none-match': '"1", "3"' }, 'ok', 'ok'],
  ['a malformed If-None-Match', { 'if-none-match': '"2' }, 400, 400],
  ['a failing If-Match before a failing If-None-Match', { 'if-match': '"1"', 'if-none-match': '"2"' }, 412, 412],
];

describe.each([
  ['GET', 200, () => ({})],
  ['PATCH', 200, () => ({ body: { name: 'changed' } })],
  ['DELETE', 204, () => ({})],
] as const)('%s of a project at ETag "2"', (method, success, request) => {
  it.each(CASES)('%s', async (_, headers, get, write) => {
    // Prepare
    const path = await projectAtVersion2();
    const outcome = method === 'GET' ? get : write;

    // Act
    const reply = await call(method, path, { ...request(), headers });

    // Assess
    if (outcome === 'ok') expect(reply.status).toBe(success);
    else if (outcome === 304) expect(reply.status).toBe(304);
    else expectProblem(reply, outcome, outcome === 412 ? '/problems/precondition-failed' : '/problems/bad-request');
  });
});

describe('a 304', () => {
  let ok: Awaited<ReturnType<Call>>;
  let notModified: Awaited<ReturnType<Call>>;
  beforeAll(async () => {
    const path = await projectAtVersion2();
    ok = await call('GET', path);
    notModified = await call('GET', path, { headers: { 'if-none-match': ok.headers.get('etag')! } });
  });

  it('has no body and no Content-Type', () => {
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('content-type')).toBeNull();
  });

  it.each(['etag', 'cache-control', 'expires', 'content-location'])('carries the %s a 200 would have', (name) => {
    expect(notModified.headers.get(name)).toBe(ok.headers.get(name));
  });

  it('carries a Date where a 200 does', () => {
    expect(notModified.headers.has('date')).toBe(ok.headers.has('date'));
  });

  it('varies on what a 200 varies on', () => {
    const list = (value: string | null) => (value ?? '').split(',').map((v) => v.trim().toLowerCase());
    expect(list(notModified.headers.get('vary'))).toEqual(expect.arrayContaining(list(ok.headers.get('vary'))));
  });
});

describe('Cache-Control', () => {
  it.each<[string, string, (path: string) => [string, string]]>([
    ['a read of one project', 'private, no-cache', (path) => ['GET', path]],
    ['a list', 'no-store', () => ['GET', '/projects']],
    ['an error', 'no-store', () => ['GET', '/projects/01890000-0000-7000-8000-000000000000']],
    ['a write', 'no-store', (path) => ['PATCH', path]],
  ])('of %s is %s', async (_, cacheControl, request) => {
    const [method, path] = request(await projectAtVersion2());

    const reply = await call(method, path, method === 'PATCH' ? { body: { name: 'x' } } : {});

    expect(reply.headers.get('cache-control')).toBe(cacheControl);
  });
});
