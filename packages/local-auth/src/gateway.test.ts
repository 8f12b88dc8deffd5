import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startAuthGateway, type AccessEntry, type AuthGateway } from './gateway.js';
import { loadLocalIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer } from './issuer.js';
import { Throttle } from './throttle.js';
import { createVerifier } from './verify.js';

let dir: string;
let issuer: LocalIssuer;
let upstream: Server;
let gateway: AuthGateway;
const received: { method?: string; url?: string; authorization?: string; contentType?: string; body: string }[] = [];
const accessLog: AccessEntry[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gateway-'));
  issuer = await loadLocalIssuer(dir);
  // Prepare: an upstream that records what reaches it, standing in for sls offline.
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      // As sls offline does: a content type on every response, bodiless ones (/status/204, /status/304) included.
      const bodiless = /^\/status\/(\d+)$/.exec(req.url ?? '');
      if (bodiless) return res.writeHead(Number(bodiless[1]), { 'content-type': 'application/json', etag: '"1"' }).end();
      res.writeHead(201, { 'content-type': 'application/json', etag: '"1"' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gateway = await startAuthGateway({
    port: 0,
    target: `http://127.0.0.1:${(upstream.address() as { port: number }).port}`,
    verify: createVerifier({ jwks: issuer.jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }),
    jwks: issuer.jwks,
    publicPaths: ['/health', '/docs/'],
    onResponse: (entry) => accessLog.push(entry),
  });
});
afterAll(async () => {
  await gateway.stop();
  upstream.close();
  await rm(dir, { recursive: true, force: true });
});

describe('auth gateway', () => {
  it.each([204, 304])('passes a %i on without the content type sls offline gives it, its other headers kept', async (status) => {
    const token = await issuer.sign({ subject: 'alice' });

    const response = await fetch(`${gateway.url}/status/${status}`, { headers: { authorization: `Bearer ${token}` } });

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('etag')).toBe('"1"');
  });

  it('forwards a verified request unchanged, body and headers included', async () => {
    const token = await issuer.sign({ subject: 'alice' });
    const response = await fetch(`${gateway.url}/projects?limit=2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(received.at(-1)).toEqual({
      method: 'POST',
      url: '/projects?limit=2',
      authorization: `Bearer ${token}`,
      contentType: 'application/json',
      body: '{"name":"x"}',
    });
  });

  it('marks a body sent without a content type as bytes, where sls offline would take it for JSON', async () => {
    // Act
    const token = await issuer.sign({ subject: 'alice' });
    await fetch(`${gateway.url}/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new TextEncoder().encode('{}'),
    });
    const afterBody = received.at(-1);
    await fetch(`${gateway.url}/projects`, { headers: { authorization: `Bearer ${token}` } });

    // Assess: API Gateway passes no content type, and the function refuses the body (415)
    expect(afterBody).toMatchObject({ contentType: 'application/octet-stream', body: '{}' });
    expect(received.at(-1)!.contentType).toBeUndefined();
  });

  it('answers 401 problem+json with a challenge and forwards nothing', async () => {
    const before = received.length;
    const expired = await issuer.sign({ subject: 'alice', expiresInSeconds: -1 });
    for (const [authorization, challenge] of [
      [undefined, /^Bearer$/],
      ['Bearer nope', /error="invalid_request"/],
      [`Bearer ${expired}`, /error="invalid_token", error_description="the token has expired"/],
    ] as const) {
      const response = await fetch(`${gateway.url}/projects`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toMatch(challenge);
      expect(await response.json()).toMatchObject({ type: '/problems/unauthorized', status: 401, title: 'Unauthorized' });
    }
    expect(received.length).toBe(before);
  });

  it('lets public paths and CORS preflights through without a token, and serves the JWKS', async () => {
    expect((await fetch(`${gateway.url}/health`)).status).toBe(201);
    expect((await fetch(`${gateway.url}/docs/index.html`)).status).toBe(201);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(401);
    expect((await fetch(`${gateway.url}/projects`, { method: 'OPTIONS' })).status).toBe(201);
    const jwks = await fetch(`${gateway.url}/.well-known/jwks.json`);
    expect(await jwks.json()).toEqual(issuer.jwks);
  });

  it('answers 503 problem+json while the API behind it is down', async () => {
    const orphan = await startAuthGateway({
      port: 0,
      target: 'http://127.0.0.1:1',
      verify: async () => ({}),
      jwks: issuer.jwks,
    });
    try {
      const response = await fetch(`${orphan.url}/projects`, { headers: { authorization: 'Bearer a.b.c' } });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
    } finally {
      await orphan.stop();
    }
  });

  it('reports each answered request once: method, path without the query, status and latency', async () => {
    // Prepare
    const token = await issuer.sign({ subject: 'alice' });
    const before = accessLog.length;

    // Act
    await fetch(`${gateway.url}/projects?cursor=secret-cursor`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{}',
    });
    await fetch(`${gateway.url}/projects/1`);

    // Assess
    const entries = accessLog.slice(before);
    expect(entries).toEqual([
      { method: 'POST', path: '/projects', status: 201, latencyMs: expect.any(Number) },
      { method: 'GET', path: '/projects/1', status: 401, latencyMs: expect.any(Number) },
    ]);
    expect(entries.every((e) => e.latencyMs >= 0)).toBe(true);
  });
});

describe('auth gateway with a function upstream', () => {
  it('hands a verified request to the function with the verified claims, and a public one without', async () => {
    // Prepare
    const calls: { path?: string; claims?: Record<string, unknown> }[] = [];
    const local = await startAuthGateway({
      port: 0,
      target: (req, res, claims) => {
        calls.push({ path: req.url, claims });
        res.writeHead(204).end();
      },
      verify: createVerifier({ jwks: issuer.jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }),
      jwks: issuer.jwks,
      publicPaths: ['/health'],
    });
    try {
      const token = await issuer.sign({ subject: 'carol', tenant: 'acme' });

      // Act
      await fetch(`${local.url}/projects`, { headers: { authorization: `Bearer ${token}` } });
      await fetch(`${local.url}/health`);

      // Assess
      expect(calls).toEqual([
        { path: '/projects', claims: expect.objectContaining({ sub: 'carol', tenant: 'acme', iss: LOCAL_ISSUER }) },
        { path: '/health', claims: undefined },
      ]);
    } finally {
      await local.stop();
    }
  });
});

describe('auth gateway with throttling', () => {
  async function throttled(throttle: Throttle) {
    const calls: string[] = [];
    const local = await startAuthGateway({
      port: 0,
      target: (req, res) => {
        calls.push(`${req.method} ${req.url}`);
        res.writeHead(204).end();
      },
      verify: createVerifier({ jwks: issuer.jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE }),
      jwks: issuer.jwks,
      publicPaths: ['/health'],
      throttle: () => throttle,
      routeKeyOf: (method, path) => (path.startsWith('/projects/') ? `${method} /projects/{projectId}` : `${method} ${path}`),
    });
    return { local, calls };
  }

  it('answers 429 problem+json with Retry-After over the route limit, before the token is checked, and forwards nothing', async () => {
    // Prepare: one request a minute on the route
    const { local, calls } = await throttled(new Throttle({ default: { rate: 1 / 60, burst: 1 } }));
    try {
      // Act: the second one has no token at all; the limit answers first, as API Gateway's does
      const first = await fetch(`${local.url}/projects/a`, {
        headers: { authorization: `Bearer ${await issuer.sign({ subject: 'dan' })}` },
      });
      const second = await fetch(`${local.url}/projects/b`);

      // Assess
      expect(first.status).toBe(204);
      expect({ status: second.status, type: second.headers.get('content-type'), retryAfter: second.headers.get('retry-after') }).toEqual({
        status: 429,
        type: 'application/problem+json',
        retryAfter: '60',
      });
      expect(await second.json()).toEqual(expect.objectContaining({ type: '/problems/too-many-requests', status: 429 }));
      expect(calls).toEqual(['GET /projects/a']);
    } finally {
      await local.stop();
    }
  });

  it('throttles public paths too, and never CORS preflights', async () => {
    const { local } = await throttled(new Throttle({ default: { rate: 1 / 60, burst: 1 } }));
    try {
      const statuses = [];
      for (const method of ['GET', 'GET', 'OPTIONS', 'OPTIONS']) statuses.push((await fetch(`${local.url}/health`, { method })).status);

      expect(statuses).toEqual([204, 429, 204, 204]);
    } finally {
      await local.stop();
    }
  });
});
