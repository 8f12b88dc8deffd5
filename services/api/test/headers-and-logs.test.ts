// Security headers on every response (errors and 304s included), the public docs routes and
// the catch-all route, and the logs: failures only (API Gateway writes the access log), without bodies or identities.
import { getDocumentClient } from '@app/data';
import type { LocalDynamoDB } from '@app/local-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The logger then writes through the global console, which the log test watches.
vi.hoisted(() => {
  process.env.POWERTOOLS_DEV = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { handler as openApiDocument } from '../src/handlers/docs/openapi.js';
import { handler as docsAsset } from '../src/handlers/docs/asset.js';
import { handler as docsPage } from '../src/handlers/docs/page.js';
import { handler as notFound } from '../src/handlers/fallback/not-found.js';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { SECURITY_HEADERS } from '../src/http/middlewares.js';
import { startDatabase } from './database.js';
import { invoke, type Response } from './events.js';

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startDatabase();
});
afterAll(async () => db.stop());

const raw = async (handler: typeof docsPage, spec: Parameters<typeof invoke>[1]) => {
  const { httpEvent, lambdaContext } = await import('./events.js');
  return handler(httpEvent(spec), lambdaContext());
};
const expectSecurityHeaders = (headers: Record<string, string>) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (name !== 'content-security-policy') expect(headers[name], name).toBe(value);
  }
  expect(headers['content-security-policy']).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
};

describe('security headers', () => {
  it('are on successes, 304s, client errors and server errors alike', async () => {
    // Prepare
    const project = (await invoke(createProject, { method: 'POST', path: '/projects', body: { name: 'h' } })).body;
    const p = { projectId: project.id };

    // Act
    const replies: Response[] = [
      await invoke(getProject, { method: 'GET', path: 'x', pathParameters: p }),
      await invoke(getProject, { method: 'GET', path: 'x', pathParameters: p, headers: { 'if-none-match': '"1"' } }),
      await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '0' } }),
      await invoke(getProject, { method: 'GET', path: 'x', pathParameters: p, claims: null }),
      // An unexpected fault (a bug in a request DynamoDB refuses), answered as a bare 500.
      await (async () => {
        const dynamo = mockClient(getDocumentClient());
        dynamo.on(QueryCommand).rejectsOnce(
          Object.assign(new Error('Invalid KeyConditionExpression: secret detail'), {
            name: 'ValidationException',
            $metadata: { httpStatusCode: 400 },
          }),
        );
        try {
          return await invoke(listProjects, { method: 'GET', path: '/projects' });
        } finally {
          dynamo.restore();
        }
      })(),
    ];

    // Assess
    expect(replies.map((r) => r.status)).toEqual([200, 304, 400, 401, 500]);
    for (const reply of replies) expectSecurityHeaders(reply.headers);
    expect(replies[4]!.body).toEqual({
      type: '/problems/internal-error',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side.',
    });
  });
});

describe('public documentation routes', () => {
  it('serve the generated OpenAPI document as JSON', async () => {
    // Act
    const reply = await invoke(openApiDocument, { method: 'GET', path: '/openapi.json', claims: null });

    // Assess
    const generated = JSON.parse(readFileSync(new URL('../../../packages/schema/src/generated/openapi.json', import.meta.url), 'utf8'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toEqual(generated);
    expectSecurityHeaders(reply.headers);
  });

  it('serve the page with its own CSP, and its files from npm packages', async () => {
    // Act
    const page = await raw(docsPage, { method: 'GET', path: '/docs', claims: null });
    const bundle = await raw(docsAsset, { method: 'GET', path: 'x', pathParameters: { asset: 'swagger-ui-bundle.js' }, claims: null });
    const css = await raw(docsAsset, { method: 'GET', path: 'x', pathParameters: { asset: 'swagger-ui.css' }, claims: null });
    const missing = await invoke(docsAsset, { method: 'GET', path: 'x', pathParameters: { asset: '__proto__' }, claims: null });

    // Assess
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(page.body).toContain('<script src="docs/swagger-ui-bundle.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(bundle).toMatchObject({ statusCode: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    expect(bundle.body!.length).toBeGreaterThan(500_000);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(missing).toMatchObject({ status: 404, body: { type: '/problems/not-found' } });
  });
});

describe('the catch-all route', () => {
  it('answers 405 with Allow on a known path, 404 elsewhere, both problem+json', async () => {
    // Act
    const wrongMethod = await invoke(notFound, { method: 'PUT', path: '/projects' });
    const unknown = await invoke(notFound, { method: 'GET', path: '/admin/../etc/passwd' });

    // Assess
    expect(wrongMethod).toMatchObject({ status: 405, headers: { allow: 'POST, GET' }, body: { type: '/problems/method-not-allowed' } });
    expect(unknown).toMatchObject({
      status: 404,
      headers: { 'content-type': 'application/problem+json' },
      body: { type: '/problems/not-found' },
    });
    expectSecurityHeaders(unknown.headers);
  });
});

describe('logs', () => {
  it('say nothing of requests that succeed or are refused; a failure is one JSON line with its ids, and no body, query or identity', async () => {
    // Prepare
    const lines: string[] = [];
    const capture = (line: unknown) => void lines.push(String(line));
    const spies = (['info', 'warn', 'error', 'debug', 'log'] as const).map((level) => vi.spyOn(console, level).mockImplementation(capture));
    const secret = 'Confidential-Name-4711';
    const claims = { sub: 'person@example.com', tenant: 'tenant-xyz' };
    let dynamo: ReturnType<typeof mockClient> | undefined;

    try {
      // Act: a 201, a 400, then a 500 (DynamoDB refusing a request: a bug on our side)
      const created = await invoke(createProject, { method: 'POST', path: '/projects', body: { name: secret }, claims });
      await invoke(listProjects, { method: 'GET', path: '/projects', query: { cursor: 'secret-cursor-value' }, claims });
      const quiet = lines.length;
      dynamo = mockClient(getDocumentClient());
      dynamo
        .on(QueryCommand)
        .rejectsOnce(
          Object.assign(new Error('Invalid KeyConditionExpression'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }),
        );
      const failed = await invoke(listProjects, { method: 'GET', path: '/projects', query: { limit: '5' }, claims });

      // Assess
      expect(quiet).toBe(0);
      expect(failed.status).toBe(500);
      const entries = lines.map((line) => JSON.parse(line));
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        level: 'ERROR',
        message: 'request failed',
        service: 'api',
        route: 'GET /projects',
        function_name: 'test-function',
        correlation_id: expect.stringMatching(/^test-request-/),
        function_request_id: expect.stringMatching(/^aws-request-/),
        error: { name: 'ValidationException' },
      });
      const text = JSON.stringify(entries);
      for (const forbidden of [secret, 'person@example.com', 'tenant-xyz', 'secret-cursor-value', created.body.id])
        expect(text).not.toContain(forbidden);
    } finally {
      dynamo?.restore();
      for (const spy of spies) spy.mockRestore();
    }
  });
});
