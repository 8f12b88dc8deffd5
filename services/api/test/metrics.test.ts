// The metrics a request emits: CloudWatch embedded metric format lines on stdout, as the
// function writes them on Lambda, read here as an operator's dashboard and alarms read them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { apiEvent, captureLogs, invoke, lambdaContext, startTestDatabase, type ApiReply, type TestDatabase } from '@app/testing';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { METRIC, statusClassOf } from '../src/http/metrics.js';
import { freshTenant } from './support.js';

// jest.config.js turns metrics off for the other suites; the namespace is the stage's (serverless.yml).
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
process.env.POWERTOOLS_METRICS_NAMESPACE = 'rest-api-http-test';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

/** The EMF lines written while `act` ran, and its reply. */
async function metricsOf(act: () => Promise<ApiReply>): Promise<{ reply: ApiReply; metrics: readonly Record<string, unknown>[] }> {
  const logs = captureLogs();
  try {
    const reply = await act();
    return { reply, metrics: logs.metrics };
  } finally {
    logs.restore();
  }
}

/** The request's EMF line: one count of each of `names`, by route and status class, with its status and ids. */
const requestLine = (route: string, status: number, ...names: string[]) => ({
  _aws: {
    Timestamp: expect.any(Number),
    CloudWatchMetrics: [
      {
        Namespace: 'rest-api-http-test',
        Dimensions: [['service', 'route', 'statusClass']],
        Metrics: [METRIC.requests, ...names].map((name) => ({ Name: name, Unit: 'Count' })),
      },
    ],
  },
  service: 'api',
  route,
  statusClass: statusClassOf(status),
  status: String(status),
  correlation_id: expect.any(String),
  function_request_id: expect.any(String),
  ...Object.fromEntries([METRIC.requests, ...names].map((name) => [name, 1])),
});

describe('the metrics of a request', () => {
  it('count a created project by route and status class, and nothing more', async () => {
    const { reply, metrics } = await metricsOf(() =>
      invoke(createProject, apiEvent('createProject', { body: { name: 'm' }, claims: freshTenant() })),
    );

    expect(reply.status).toBe(201);
    expect(metrics).toEqual([requestLine('POST /projects', 201)]);
  });

  it('count a validation rejection in the line of the 4xx request', async () => {
    const { metrics } = await metricsOf(() =>
      invoke(createProject, apiEvent('createProject', { body: { name: '' }, claims: freshTenant() })),
    );

    expect(metrics).toEqual([requestLine('POST /projects', 400, METRIC.validationRejections)]);
  });

  it('count a conditional failure (412)', async () => {
    // Prepare
    const claims = freshTenant();
    const { id } = (await metricsOf(() => invoke(createProject, apiEvent('createProject', { body: { name: 'c' }, claims })))).reply
      .body as { id: string };

    // Act
    const { reply, metrics } = await metricsOf(() =>
      invoke(
        updateProject,
        apiEvent('updateProject', { params: { projectId: id }, body: { name: 'd' }, headers: { 'if-match': '"9"' }, claims }),
      ),
    );

    // Assess
    expect(reply.status).toBe(412);
    expect(metrics).toEqual([requestLine('PATCH /projects/{projectId}', 412, METRIC.conditionalFailures)]);
  });

  it('count an idempotent replay, and a conflict of the same key with another body', async () => {
    // Prepare
    const claims = freshTenant();
    const post = (name: string) =>
      invoke(createProject, apiEvent('createProject', { body: { name }, claims, headers: { 'idempotency-key': 'metrics-key' } }));
    await metricsOf(() => post('once'));

    // Act
    const replay = await metricsOf(() => post('once'));
    const conflict = await metricsOf(() => post('another'));

    // Assess
    expect(replay.metrics).toEqual([requestLine('POST /projects', 201, METRIC.idempotentReplays)]);
    expect(conflict.metrics).toEqual([requestLine('POST /projects', 422, METRIC.idempotencyConflicts)]);
  });
});

it("puts in the request's line the ids that join it to the access log and to the consumer's lines", async () => {
  // Prepare
  const event = apiEvent('createProject', { body: { name: 'ids' }, claims: freshTenant() });
  const context = lambdaContext({ functionName: 'createProject' });

  // Act
  const { metrics } = await metricsOf(() => invoke(createProject, event, context));

  // Assess: API Gateway's requestId, and Lambda's (the access log's integrationRequestId, the consumer's requestId)
  expect(metrics[0]).toMatchObject({ correlation_id: event.requestContext.requestId, function_request_id: context.awsRequestId });
});

it('does not load the tracer while tracing is off (POWERTOOLS_TRACE_ENABLED unset here; test/tracing.test.ts has it on)', async () => {
  const { tracer, tracingEnabled } = await import('../src/tracer.js');

  expect(tracingEnabled).toBe(false);
  expect(tracer).toBeUndefined();
});

describe('statusClassOf', () => {
  it.each([
    [200, '2xx'],
    [304, '3xx'],
    [429, '4xx'],
    [503, '5xx'],
  ])('puts %i in %s', (status, statusClass) => {
    expect(statusClassOf(status)).toBe(statusClass);
  });
});
