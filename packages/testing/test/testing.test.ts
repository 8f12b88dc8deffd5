// The shared helpers behave as the suites rely on them to.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  apiEvent,
  captureLogs,
  copyRepository,
  defaultRouteEvent,
  DEFAULT_CLAIMS,
  eventually,
  freePort,
  httpCaller,
  invoke,
  lambdaContext,
  slsPackage,
  startTestDatabase,
  startTracingDaemon,
  waitFor,
  WaitTimeoutError,
  type RepositoryCopy,
} from '../src/index.js';

describe('eventually', () => {
  it('resolves with the first value that is not undefined, null or false', async () => {
    // Prepare
    let calls = 0;

    // Act
    const value = await eventually(() => (++calls < 3 ? false : { calls }), { intervalMs: 1 });

    // Assess
    expect(value).toEqual({ calls: 3 });
  });

  it('tries again when the check throws', async () => {
    let calls = 0;
    const value = await eventually(
      () => {
        if (++calls < 3) throw new Error('not yet');
        return calls;
      },
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
  });

  it('gives up after its time with a message naming what it awaited and what it saw last', async () => {
    // Act
    const error = await eventually(
      () => {
        throw new Error('2 of 3 records');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'three records' },
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe('gave up waiting for three records after 30 ms; last seen: 2 of 3 records');
  });
});

describe('waitFor', () => {
  it('resolves with the match once the text matches', async () => {
    let text = 'starting';
    setTimeout(() => (text += '\nready on 4711'), 20);
    const match = await waitFor(() => text, /ready on (\d+)/, { intervalMs: 5 });
    expect(match[1]).toBe('4711');
  });

  it('names the pattern when it gives up', async () => {
    await expect(waitFor(() => 'nothing', /ready/, { timeoutMs: 20, intervalMs: 5 })).rejects.toThrow(
      'gave up waiting for /ready/ after 20 ms; last seen: null',
    );
  });
});

describe('apiEvent', () => {
  it("carries the route's template as its routeKey, and the concrete path as its raw path", () => {
    // Act
    const event = apiEvent('updateTask', { params: { projectId: 'p/1', taskId: 't1' }, body: { title: 'x' } });

    // Assess
    expect(event.routeKey).toBe('PATCH /projects/{projectId}/tasks/{taskId}');
    expect(event.requestContext.routeKey).toBe(event.routeKey);
    expect(event.rawPath).toBe('/projects/p%2F1/tasks/t1');
    expect(event.requestContext.http.method).toBe('PATCH');
    expect(event.pathParameters).toEqual({ projectId: 'p/1', taskId: 't1' });
    expect(event.headers['content-type']).toBe('application/json');
    expect(event.body).toBe('{"title":"x"}');
  });

  it('passes the default caller as verified claims on a protected route', () => {
    const event = apiEvent('listProjects') as { requestContext: { authorizer?: { jwt: { claims: unknown } } } };
    expect(event.requestContext.authorizer?.jwt.claims).toEqual(DEFAULT_CLAIMS);
  });

  it('passes no claims on a public route, nor when told so', () => {
    const documentEvent = apiEvent('getOpenApiDocument') as { requestContext: { authorizer?: unknown } };
    const anonymous = apiEvent('listProjects', { claims: null }) as { requestContext: { authorizer?: unknown } };
    expect(documentEvent.requestContext.authorizer).toBeUndefined();
    expect(anonymous.requestContext.authorizer).toBeUndefined();
  });

  it('gives every event its own request id unless one is named', () => {
    expect(apiEvent('listProjects').requestContext.requestId).not.toBe(apiEvent('listProjects').requestContext.requestId);
    expect(apiEvent('listProjects', { requestId: 'r-1' }).requestContext.requestId).toBe('r-1');
  });

  it('sends a raw body as it is, and the query both raw and parsed', () => {
    const event = apiEvent('listTasks', { params: { projectId: 'p' }, query: { status: 'done', limit: '2' }, rawBody: '{oops' });
    expect(event.body).toBe('{oops');
    expect(event.rawQueryString).toBe('status=done&limit=2');
    expect(event.queryStringParameters).toEqual({ status: 'done', limit: '2' });
  });
});

describe('defaultRouteEvent', () => {
  it("is API Gateway's $default route with the method and path as sent", () => {
    const event = defaultRouteEvent('PUT', '/projects');
    expect(event).toMatchObject({ routeKey: '$default', rawPath: '/projects', requestContext: { http: { method: 'PUT' } } });
  });
});

describe('invoke', () => {
  it('parses a JSON body and keeps any other as text', async () => {
    const json = await invoke(
      async () => ({ statusCode: 201, headers: { 'content-type': 'application/problem+json' }, body: '{"a":1}' }),
      apiEvent('listProjects'),
    );
    const text = await invoke(
      async () => ({ statusCode: 200, headers: { 'content-type': 'text/html' }, body: '<p>' }),
      apiEvent('listProjects'),
    );
    const empty = await invoke(async () => ({ statusCode: 204, headers: {} }), apiEvent('listProjects'));
    expect(json).toEqual({ status: 201, headers: { 'content-type': 'application/problem+json' }, body: { a: 1 } });
    expect(text.body).toBe('<p>');
    expect(empty.body).toBeUndefined();
  });
});

describe('lambdaContext', () => {
  it('counts the remaining time down from the timeout', async () => {
    const context = lambdaContext({ functionName: 'fn', timeoutMs: 1_000 });
    // A timer can fire a millisecond early: 30 ms asked, at least 20 ms counted.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(980);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(500);
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:fn');
  });

  it('gives each invocation its own request id unless one is named', () => {
    expect(lambdaContext().awsRequestId).not.toBe(lambdaContext().awsRequestId);
    expect(lambdaContext({ awsRequestId: 'a-1' }).awsRequestId).toBe('a-1');
  });
});

describe('httpCaller', () => {
  const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];
  let baseUrl: string;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      response.writeHead(request.url === '/text' ? 200 : 201, {
        'content-type': request.url === '/text' ? 'text/plain' : 'application/json',
      });
      response.end(request.url === '/text' ? 'plain' : JSON.stringify({ echoed: body }));
    });
  });
  beforeAll(async () => {
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the bearer token and a JSON body, and parses a JSON answer', async () => {
    // Act
    const reply = await httpCaller(baseUrl, 'tok')('POST', '/things', { body: { a: 1 } });

    // Assess
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ echoed: '{"a":1}' });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    });
  });

  it('sends another token, or none, when a call says so', async () => {
    const call = httpCaller(baseUrl, 'tok');
    await call('GET', '/a', { token: 'other' });
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer other');
    await call('GET', '/b', { token: null });
    expect(seen.at(-1)!.headers.authorization).toBeUndefined();
  });

  it('lets a call replace a default header whatever its case, or leave it out', async () => {
    const call = httpCaller(baseUrl, 'tok');
    await call('POST', '/c', { raw: 'x', headers: { 'Content-Type': 'text/csv' } });
    expect(seen.at(-1)!.headers['content-type']).toBe('text/csv');
    await call('POST', '/d', { raw: '{"a":1}', headers: { 'content-type': null } });
    expect(seen.at(-1)!.headers['content-type']).toBeUndefined();
    expect(seen.at(-1)!.body).toBe('{"a":1}');
  });

  it('keeps a text answer as text', async () => {
    const reply = await httpCaller(baseUrl)('GET', '/text');
    expect(reply).toMatchObject({ status: 200, body: 'plain', text: 'plain' });
  });
});

describe('captureLogs and toContainLogLine', () => {
  it('tells the metric lines (embedded metric format) from the logged ones', () => {
    // Prepare
    const logs = captureLogs();

    // Act
    process.stdout.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"Requests":1}\n');
    console.log('{"level":"INFO","message":"hello"}');
    console.log('plain text');
    logs.restore();

    // Assess
    expect({ metrics: logs.metrics, logLines: logs.logLines }).toEqual({
      metrics: [{ _aws: { Timestamp: 1, CloudWatchMetrics: [] }, Requests: 1 }],
      logLines: ['{"level":"INFO","message":"hello"}', 'plain text'],
    });
  });

  it('collects JSON lines written to stdout or the console, until restored', () => {
    // Prepare
    const logs = captureLogs();

    // Act
    process.stdout.write('{"level":"ERROR","message":"boom","nested":{"a":1,"b":2}}\n');
    console.info('not json');
    console.log(JSON.stringify({ level: 'INFO', message: 'hello' }));
    logs.restore();
    console.log('{"after":"restore"}');

    // Assess
    expect(logs.lines).toEqual([
      '{"level":"ERROR","message":"boom","nested":{"a":1,"b":2}}',
      'not json',
      '{"level":"INFO","message":"hello"}',
    ]);
    expect(logs).toContainLogLine({ level: 'ERROR', nested: { a: 1 } });
    expect(logs).toContainLogLine({ message: expect.stringMatching(/^hel/) });
    expect(logs).not.toContainLogLine({ after: 'restore' });
  });

  it('fails with the lines it saw', () => {
    const logs = captureLogs();
    console.log('{"level":"INFO"}');
    logs.restore();
    expect(() => expect(logs).toContainLogLine({ level: 'ERROR' })).toThrow(/among\n {2}\{"level":"INFO"\}/);
  });
});

describe('startTestDatabase', () => {
  it("serves the root serverless.yml's table on a free port, and puts the functions' environment in place when asked", async () => {
    // Act
    const db = await startTestDatabase({ exportEnvironment: true, extraEnvironment: { EXTRA: 'yes' } });
    try {
      await db.client.send(new PutCommand({ TableName: db.tableName, Item: { pk: 'a', sk: 'b', gone: undefined } }));
      const { Item } = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'a', sk: 'b' } }));
      const { TableNames } = await db.client.send(new ListTablesCommand({}));

      // Assess
      expect(TableNames).toEqual([db.tableName]);
      expect(Item).toEqual({ pk: 'a', sk: 'b' });
      expect(process.env).toMatchObject({ TABLE_NAME: db.tableName, DYNAMODB_ENDPOINT: db.endpoint, EXTRA: 'yes' });
      expect(db.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await db.stop();
    }
  });
});

describe('copyRepository', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  let copy: RepositoryCopy;
  beforeAll(async () => {
    copy = await copyRepository(root);
  }, 60_000);
  afterAll(() => copy.remove());

  it('copies the files git knows, and the generated folders it is told', () => {
    expect(readFileSync(join(copy.dir, 'package.json'), 'utf8')).toBe(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(existsSync(join(copy.dir, 'packages/schema/src/generated/openapi.json'))).toBe(true);
  });

  it("resolves the workspace's packages to the copy, and installed ones to the checkout", () => {
    expect(realpathSync(join(copy.dir, 'node_modules/@app/data'))).toBe(realpathSync(join(copy.dir, 'packages/data')));
    expect(realpathSync(join(copy.dir, 'node_modules/esbuild'))).toBe(realpathSync(join(root, 'node_modules/esbuild')));
    expect(existsSync(join(copy.dir, 'node_modules/.cache'))).toBe(false);
  });
});

describe('slsPackage', () => {
  let outDir: string;
  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'sls-package-'));
  });
  afterAll(async () => rm(outDir, { recursive: true, force: true }));

  it("packages a service with no credentials and returns its template, the stage's names in it", async () => {
    const template = await slsPackage({ serviceDir: '', stage: 'qa', outDir });

    expect(template.Outputs.TableName.Export.Name).toBe('rest-api-data-qa-TableName');
  }, 120_000);
});

describe('startTracingDaemon', () => {
  it('sets the traced function variables, collects the segments sent to it, and puts the variables back', async () => {
    // Prepare
    const before = process.env.POWERTOOLS_TRACE_ENABLED;
    const daemon = await startTracingDaemon({ EXTRA_SETTING: 'yes' });
    const [host, port] = process.env.AWS_XRAY_DAEMON_ADDRESS!.split(':');
    const client = createSocket('udp4');

    // Act: a datagram as the X-Ray SDK sends one
    await new Promise<void>((resolve, reject) =>
      client.send('{"format":"json","version":1}\n{"name":"## handler"}', Number(port), host, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
    const received = await eventually(() => daemon.segments[0]);
    const during = { enabled: process.env.POWERTOOLS_TRACE_ENABLED, extra: process.env.EXTRA_SETTING, trace: process.env._X_AMZN_TRACE_ID };
    client.close();
    await daemon.stop();

    // Assess
    expect(received).toEqual({ name: '## handler' });
    expect(during).toEqual({ enabled: 'true', extra: 'yes', trace: expect.stringContaining(`Root=${daemon.traceRoot};`) });
    expect(process.env.POWERTOOLS_TRACE_ENABLED).toBe(before);
    expect(process.env.EXTRA_SETTING).toBeUndefined();
  });
});
