// Tracing as deployed (POWERTOOLS_TRACE_ENABLED and Lambda's variables set, as a traced function
// gets them; the tests run in order, as invocations of one execution environment): for a sampled
// request the handler's subsegment and one per DynamoDB call reach the X-Ray daemon's address (a
// UDP socket here, as the Lambda environment's daemon), and the request's metric line carries the
// trace id; an unsampled one sends nothing. Tracing off, the tracer is not even loaded (src/tracer.ts): test/metrics.test.ts.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  apiEvent,
  captureLogs,
  eventually,
  invoke,
  lambdaContext,
  startTestDatabase,
  startTracingDaemon,
  type TestDatabase,
  type TracingDaemon,
} from '@app/testing';
import { freshTenant } from './support.js';

const MISSING_ID = '01936b2e-0000-7000-8000-00000000dead';

let daemon: TracingDaemon;
let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
  daemon = await startTracingDaemon({ POWERTOOLS_METRICS_DISABLED: 'false' });
});
afterAll(async () => {
  await daemon.stop();
  await db.stop();
});

it('sends nothing for a request X-Ray did not sample, and traces the sampled one after it, an error response (404) too', async () => {
  // Prepare
  const { handler: getProject } = await import('../src/handlers/projects/get.js');
  const sampledHeader = process.env._X_AMZN_TRACE_ID;
  const unsampledRoot = '1-67a0b1c2-fedcba9876543210fedcba98';
  const claims = freshTenant();
  process.env._X_AMZN_TRACE_ID = `Root=${unsampledRoot};Parent=53995c3f42cd8ad8;Sampled=0`;

  // Act: an unsampled request, then a sampled one (its segments arrive after the first's would have)
  let unsampled;
  try {
    unsampled = await invoke(getProject, apiEvent('getProject', { params: { projectId: MISSING_ID }, claims }));
  } finally {
    process.env._X_AMZN_TRACE_ID = sampledHeader;
  }
  const before = daemon.segments.length;
  await invoke(getProject, apiEvent('getProject', { params: { projectId: MISSING_ID }, claims }));
  const sampledSegment = await eventually(() => daemon.segments.slice(before).find((segment) => String(segment.name).startsWith('## ')));

  // Assess: the first invocation was the cold start, though unsampled; the 404's subsegment is sent (no call left open under it)
  expect(unsampled.status).toBe(404);
  expect(daemon.segments.filter((segment) => segment.trace_id === unsampledRoot)).toEqual([]);
  expect(sampledSegment).toMatchObject({ annotations: { ColdStart: false } });
});

it('traces sampled requests: their handler subsegment with the DynamoDB calls under it, and the trace id in the metric line', async () => {
  // Prepare: the modules load with tracing on, as on Lambda
  const { handler: createProject } = await import('../src/handlers/projects/create.js');
  const { tracer } = await import('../src/tracer.js');
  const earlier = daemon.segments.length;
  const logs = captureLogs();

  // Act
  let reply;
  try {
    reply = await invoke(
      createProject,
      apiEvent('createProject', { body: { name: 'traced' }, claims: freshTenant() }),
      lambdaContext({ functionName: 'createProject' }),
    );
  } finally {
    logs.restore();
  }

  // Assess
  expect(tracer?.isTracingEnabled()).toBe(true);
  expect(reply.status).toBe(201);
  const handlerSegment = await eventually(() => daemon.segments.slice(earlier).find((segment) => String(segment.name).startsWith('## ')));
  expect(handlerSegment).toMatchObject({ trace_id: daemon.traceRoot, annotations: { ColdStart: false, Service: 'api' } });
  const dynamodbCall = await eventually(() => daemon.segments.slice(earlier).find((segment) => segment.name === 'DynamoDB'));
  expect(dynamodbCall).toMatchObject({ trace_id: daemon.traceRoot, parent_id: handlerSegment.id, namespace: 'aws' });
  expect(logs.metrics[0]).toMatchObject({ xray_trace_id: daemon.traceRoot });
});
