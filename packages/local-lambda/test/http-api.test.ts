// The local HTTP API against a recording host: what API Gateway (HTTP API, payload 2.0) would
// send the function, and what it makes of the function's result.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { freePort } from '@app/testing';
import { HttpApi, type Claims, type Invocation, type RouteSpec } from '../src/index.js';

const routes: RouteSpec[] = [
  { functionName: 'getThing', routeKey: 'GET /things/{id}', method: 'GET', path: '/things/{id}', authorized: true },
  { functionName: 'special', routeKey: 'GET /things/special', method: 'GET', path: '/things/special', authorized: true },
  { functionName: 'anyThing', routeKey: 'ANY /things/{id}', method: 'ANY', path: '/things/{id}', authorized: true },
  { functionName: 'files', routeKey: 'GET /files/{path+}', method: 'GET', path: '/files/{path+}', authorized: false },
  { functionName: 'fallback', routeKey: '$default', method: '', path: '', authorized: true },
];

let nextResult: Invocation = { ok: true, value: { statusCode: 200, body: 'ok' } };
const invoked: { name: string; event: Record<string, any> }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
const api = new HttpApi({
  routes,
  host: {
    invoke: async (name, event) => {
      invoked.push({ name, event: event as Record<string, unknown> });
      return nextResult;
    },
  },
  cors: {
    allowedOrigins: ['http://app.local'],
    allowedHeaders: ['Authorization', 'If-Match'],
    allowedMethods: ['GET', 'PATCH'],
    exposedResponseHeaders: ['ETag'],
    maxAge: 600,
  },
  rootDir: '/repo',
});
const claims: Claims = { sub: 'u1', tenant: 'acme', exp: 1_900_000_000, aud: ['a', 'b'] };
let server: Server;
let base: string;

beforeAll(async () => {
  const port = await freePort();
  server = createServer((req, res) => api.handle(req, res, claims));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const lastEvent = () => invoked.at(-1)!.event;

describe('route selection', () => {
  it.each([
    ['GET', '/things/special', 'special'],
    ['GET', '/things/42', 'getThing'],
    ['PUT', '/things/42', 'anyThing'],
    ['GET', '/files/a/b/c.txt', 'files'],
    ['POST', '/nowhere', 'fallback'],
  ])('%s %s goes to %s', async (method, path, functionName) => {
    await fetch(`${base}${path}`, { method });
    expect(invoked.at(-1)!.name).toBe(functionName);
  });

  it('lists the routes by path, $default last', () => {
    expect(api.routes.map((r) => r.routeKey)).toEqual([
      'GET /files/{path+}',
      'ANY /things/{id}',
      'GET /things/{id}',
      'GET /things/special',
      '$default',
    ]);
  });
});

describe('the payload 2.0 event', () => {
  it('carries the route, raw path and query, decoded path parameters and joined repeated parameters', async () => {
    await fetch(`${base}/things/a%20b?x=1&x=2&y=`);
    expect(lastEvent()).toMatchObject({
      version: '2.0',
      routeKey: 'GET /things/{id}',
      rawPath: '/things/a%20b',
      rawQueryString: 'x=1&x=2&y=',
      pathParameters: { id: 'a b' },
      queryStringParameters: { x: '1,2', y: '' },
      isBase64Encoded: false,
      requestContext: { http: { method: 'GET', path: '/things/a%20b' }, routeKey: 'GET /things/{id}', stage: '$default' },
    });
  });

  it('moves cookies out of the headers and lower-cases header names', async () => {
    await fetch(`${base}/things/1`, { headers: { Cookie: 'a=1; b=2', 'X-Custom': 'v' } });
    expect(lastEvent().cookies).toEqual(['a=1', 'b=2']);
    expect(lastEvent().headers).toMatchObject({ 'x-custom': 'v' });
    expect(lastEvent().headers.cookie).toBeUndefined();
  });

  it('passes the verified claims as strings on a route with an authorizer, and none on a public one', async () => {
    await fetch(`${base}/things/1`);
    expect(lastEvent().requestContext.authorizer.jwt.claims).toEqual({ sub: 'u1', tenant: 'acme', exp: '1900000000', aud: '[a b]' });
    await fetch(`${base}/files/x`);
    expect(lastEvent().requestContext.authorizer).toBeUndefined();
  });

  it.each([
    ['application/json', '{"a":1}', false],
    ['application/merge-patch+json', '{"a":1}', false],
    ['image/png', 'PNG', true],
  ])('a %s body (%s) is base64-encoded: %s', async (type, body, encoded) => {
    await fetch(`${base}/things/1`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(lastEvent().isBase64Encoded).toBe(encoded);
    expect(encoded ? Buffer.from(lastEvent().body, 'base64').toString() : lastEvent().body).toBe(body);
  });

  it('a body without a content type arrives as bytes, as API Gateway passes it', async () => {
    await fetch(`${base}/things/1`, { method: 'POST', body: new Uint8Array([1, 2, 3]) });
    expect(lastEvent().isBase64Encoded).toBe(true);
  });
});

describe('the response', () => {
  it('maps statusCode, headers, cookies and a base64 body', async () => {
    nextResult = {
      ok: true,
      value: {
        statusCode: 201,
        headers: { ETag: '"1"' },
        cookies: ['s=1; Path=/'],
        body: Buffer.from('bin').toString('base64'),
        isBase64Encoded: true,
      },
    };
    const reply = await fetch(`${base}/things/1`);
    expect(reply.status).toBe(201);
    expect(reply.headers.get('etag')).toBe('"1"');
    expect(reply.headers.get('set-cookie')).toBe('s=1; Path=/');
    expect(await reply.text()).toBe('bin');
  });

  it('takes a result without a statusCode as a 200 JSON body', async () => {
    nextResult = { ok: true, value: { hello: 'world' } };
    const reply = await fetch(`${base}/things/1`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(await reply.json()).toEqual({ hello: 'world' });
  });

  it('answers 503 problem+json naming file:line when the function does not build', async () => {
    nextResult = { ok: false, reason: 'build', errors: [{ file: '/repo/src/x.ts', line: 3, column: 7, text: 'Unexpected ";"' }] };
    const reply = await fetch(`${base}/things/1`);
    expect(reply.status).toBe(503);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(((await reply.json()) as { detail: string }).detail).toContain('getThing is broken: src/x.ts:3:7: Unexpected ";"');
  });

  it.each([
    [
      { ok: false, reason: 'error', phase: 'invoke', error: { name: 'Error', message: 'boom' } } as Invocation,
      500,
      'Internal Server Error',
    ],
    [{ ok: false, reason: 'crash', message: 'the worker thread ended' } as Invocation, 500, 'Internal Server Error'],
    [{ ok: false, reason: 'timeout', timeoutMs: 10_000 } as Invocation, 503, 'Service Unavailable'],
  ])('answers as API Gateway does when the integration fails (%#)', async (result, status, message) => {
    nextResult = result;
    const reply = await fetch(`${base}/things/1`);
    expect(reply.status).toBe(status);
    expect(await reply.json()).toEqual({ message });
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${base}/things/1`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'PATCH' } });

  it('answers a preflight of an allowed origin itself', async () => {
    const count = invoked.length;
    const reply = await preflight('http://app.local');
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('http://app.local');
    expect(reply.headers.get('access-control-allow-headers')).toBe('authorization,if-match');
    expect(reply.headers.get('access-control-max-age')).toBe('600');
    expect(invoked).toHaveLength(count);
  });

  it('allows no other origin', async () => {
    expect((await preflight('http://evil.local')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the response headers to an allowed origin', async () => {
    nextResult = { ok: true, value: { statusCode: 200, body: '' } };
    const reply = await fetch(`${base}/things/1`, { headers: { origin: 'http://app.local' } });
    expect(reply.headers.get('access-control-expose-headers')).toBe('etag');
  });
});
