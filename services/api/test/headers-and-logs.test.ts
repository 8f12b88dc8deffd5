// Security headers on every response (errors and 304s included), the public docs routes and
// the catch-all route, and the logs: failures only (API Gateway writes the access log), without bodies or identities.
import { getDocumentClient } from '@app/data';
import {
  apiEvent,
  captureLogs,
  defaultRouteEvent,
  invoke,
  lambdaContext,
  startTestDatabase,
  type ApiHandler,
  type ApiReply,
  type ApiRequest,
  type LogCapture,
  type TestDatabase,
} from '@app/testing';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CACHE_CONTROL_REVALIDATE, type OperationId } from '@app/schema';
import { handler as docsAsset } from '../src/handlers/docs/asset.js';
import { handler as openApiDocument } from '../src/handlers/docs/openapi.js';
import { DOCS_CSP, handler as docsPage } from '../src/handlers/docs/page.js';
import { handler as notFound } from '../src/handlers/fallback/not-found.js';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { SECURITY_HEADERS } from '../src/http/middlewares.js';
import { expectProblem } from './support.js';

// The log tests read the failures' lines. The logger is built on first use (src/logger.ts),
// after this line: imports only define the handlers.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

/** DynamoDB refusing a request (a bug on our side, never the client's): the next `command` fails so. */
function refuseNext(command: typeof QueryCommand | typeof TransactWriteCommand, message: string) {
  const dynamo = mockClient(getDocumentClient());
  const refusal = Object.assign(new Error(message), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- either command, whose input and output do not matter here
  dynamo.on<any, any>(command).rejectsOnce(refusal);
  return dynamo;
}

const expectSecurityHeaders = (headers: Record<string, string>, cacheControl = SECURITY_HEADERS['cache-control']) =>
  expect(headers).toMatchObject({
    ...SECURITY_HEADERS,
    'content-security-policy': expect.stringMatching(/default-src 'none'.*frame-ancestors 'none'/),
    'cache-control': cacheControl,
  });

describe('security headers', () => {
  let projectId: string;
  beforeAll(async () => {
    projectId = (await invoke(createProject, apiEvent('createProject', { body: { name: 'h' } }))).body.id;
  });

  it.each<[string, number, () => Promise<ApiReply>]>([
    ['a success', 200, () => invoke(getProject, apiEvent('getProject', { params: { projectId } }))],
    ['a 304', 304, () => invoke(getProject, apiEvent('getProject', { params: { projectId }, headers: { 'if-none-match': '"1"' } }))],
    ['a client error', 400, () => invoke(listProjects, apiEvent('listProjects', { query: { limit: '0' } }))],
    ['a refusal', 401, () => invoke(getProject, apiEvent('getProject', { params: { projectId }, claims: null }))],
    [
      'a server error',
      500,
      async () => {
        const dynamo = refuseNext(QueryCommand, 'Invalid KeyConditionExpression: secret detail');
        const logs = captureLogs(); // its line: the logs tests below
        try {
          return await invoke(listProjects, apiEvent('listProjects'));
        } finally {
          logs.restore();
          dynamo.restore();
        }
      },
    ],
  ])('are on %s (%i)', async (_label, status, act) => {
    // Act
    const reply = await act();

    // Assess: a representation of one resource (200, 304) may be kept by a private cache and revalidated
    expect(reply.status).toBe(status);
    expectSecurityHeaders(reply.headers, status < 400 ? CACHE_CONTROL_REVALIDATE : 'no-store');
  });
});

describe('an unexpected fault', () => {
  it('is answered as a bare 500, without its detail', async () => {
    // Prepare
    const dynamo = refuseNext(QueryCommand, 'Invalid KeyConditionExpression: secret detail');
    const logs = captureLogs(); // its line: the logs tests below

    try {
      // Act
      const reply = await invoke(listProjects, apiEvent('listProjects'));

      // Assess
      expect(reply.status).toBe(500);
      expect(reply.headers['content-type']).toBe('application/problem+json');
      expect(reply.body).toEqual({
        type: '/problems/internal-error',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Something went wrong on our side.',
      });
    } finally {
      logs.restore();
      dynamo.restore();
    }
  });
});

describe('public documentation routes', () => {
  const asset = (name: string) => invoke(docsAsset, apiEvent('getDocsAsset', { params: { asset: name } }));
  const swaggerUi = createRequire(import.meta.url);

  it('serve the generated OpenAPI document as JSON', async () => {
    // Act
    const reply = await invoke(openApiDocument, apiEvent('getOpenApiDocument'));

    // Assess
    const generated = JSON.parse(readFileSync(new URL('../../../packages/schema/src/generated/openapi.json', import.meta.url), 'utf8'));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toEqual(generated);
    expectSecurityHeaders(reply.headers);
  });

  it('serve the page with its own CSP, loading nothing from another origin', async () => {
    // Act
    const page = await invoke(docsPage, apiEvent('getDocsPage'));

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(DOCS_CSP);
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(page.body).toContain('<script src="docs/swagger-ui-bundle.js"></script>');
    expect(page.body).not.toMatch(/https?:\/\//);
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
  ])('serve %s from the swagger-ui-dist package, as it is there', async (name, type) => {
    // Act
    const reply = await asset(name);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.body).toBe(readFileSync(swaggerUi.resolve(`swagger-ui-dist/${name}`), 'utf8'));
  });

  it('serve the bundle whole (over 500 kB)', async () => {
    // Act
    const reply = await asset('swagger-ui-bundle.js');

    // Assess
    expect(reply.body.length).toBeGreaterThan(500_000);
  });

  it("serve the page's own script, which loads the document from this origin", async () => {
    // Act
    const reply = await asset('init.js');

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.body).toContain("url: new URL('openapi.json', window.location.href).href");
  });

  it.each(['__proto__', 'toString', '../openapi.json', 'swagger-ui.js'])('answer 404 to any other name: %s', async (name) => {
    // Act
    const reply = await asset(name);

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });
});

describe('the catch-all route', () => {
  it('answers 405 with Allow on a known path', async () => {
    // Act
    const reply = await invoke(notFound, defaultRouteEvent('PUT', '/projects'));

    // Assess
    expectProblem(reply, 405, '/problems/method-not-allowed');
    expect(reply.headers.allow).toBe('POST, GET');
  });

  it('answers 404 elsewhere, with the security headers', async () => {
    // Act
    const reply = await invoke(notFound, defaultRouteEvent('GET', '/admin/../etc/passwd'));

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
    expectSecurityHeaders(reply.headers);
  });
});

describe('logs', () => {
  const secret = 'Confidential-Name-4711';
  const claims = { sub: 'person@example.com', tenant: 'tenant-xyz' };
  let cursor: string;
  beforeAll(async () => {
    for (const name of [secret, `${secret} 2`]) await invoke(createProject, apiEvent('createProject', { body: { name }, claims }));
    cursor = (await invoke(listProjects, apiEvent('listProjects', { query: { limit: '1' }, claims }))).body.nextCursor;
  });

  /** What `act` logs. */
  const logsOf = async (act: () => Promise<unknown>): Promise<LogCapture> => {
    const logs = captureLogs();
    try {
      await act();
    } finally {
      logs.restore();
    }
    return logs;
  };

  it('say nothing of a request that succeeds', async () => {
    // Act
    const logs = await logsOf(() => invoke(createProject, apiEvent('createProject', { body: { name: secret }, claims })));

    // Assess
    expect(logs.logLines).toEqual([]);
  });

  it('say nothing of a request that is refused', async () => {
    // Act
    const logs = await logsOf(() => invoke(listProjects, apiEvent('listProjects', { query: { cursor: 'secret-cursor-value' }, claims })));

    // Assess
    expect(logs.logLines).toEqual([]);
  });

  describe.each<[string, OperationId, ApiHandler, typeof QueryCommand | typeof TransactWriteCommand, () => ApiRequest]>([
    ['a create', 'createProject', createProject, TransactWriteCommand, () => ({ body: { name: secret }, claims })],
    ['a list', 'listProjects', listProjects, QueryCommand, () => ({ query: { limit: '1', cursor }, claims })],
  ])('of a failure of %s (DynamoDB refusing a request: a bug on our side)', (_label, operation, handler, command, request) => {
    const context = lambdaContext({ functionName: operation });
    let event: ReturnType<typeof apiEvent>;
    let status: number;
    let logs: LogCapture;
    beforeAll(async () => {
      event = apiEvent(operation, request());
      const dynamo = refuseNext(command, 'Invalid expression');
      try {
        // Act
        logs = await logsOf(async () => {
          status = (await invoke(handler, event, context)).status;
        });
      } finally {
        dynamo.restore();
      }
    });

    it('are one JSON line, with the ids of the invocation', () => {
      expect(status).toBe(500);
      expect(logs.logLines).toHaveLength(1);
      expect(logs).toContainLogLine({
        level: 'ERROR',
        message: 'request failed',
        service: 'api',
        route: event.routeKey,
        function_name: operation,
        correlation_id: event.requestContext.requestId,
        function_request_id: context.awsRequestId,
        error: expect.objectContaining({ name: 'ValidationException' }),
      });
    });

    it.each([
      ['the body', () => secret],
      ['the query', () => cursor],
      ['the subject', () => claims.sub],
      ['the tenant', () => claims.tenant],
    ])('hold nothing of %s', (_what, value) => {
      expect(logs.lines.join('\n')).not.toContain(value());
    });
  });
});
