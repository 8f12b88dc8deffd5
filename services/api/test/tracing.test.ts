// Tracing as deployed (POWERTOOLS_TRACE_ENABLED and Lambda's variables set, as a traced function
// gets them): the handler's subsegment and one per DynamoDB call reach the X-Ray daemon's address
// (a UDP socket here, as the Lambda environment's daemon), and the request's metric line carries
// the trace id. Tracing off, the tracer is not even loaded (src/tracer.ts): test/metrics.test.ts.
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

it('sends the handler subsegment with its DynamoDB calls to the daemon, and puts the trace id in the metric line', async () => {
  // Prepare: the modules load with tracing on, as on Lambda
  const { handler: createProject } = await import('../src/handlers/projects/create.js');
  const { tracer } = await import('../src/tracer.js');
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
  const handlerSegment = await eventually(() => daemon.segments.find((segment) => String(segment.name).startsWith('## ')));
  expect(handlerSegment).toMatchObject({ trace_id: daemon.traceRoot, annotations: { ColdStart: expect.any(Boolean), Service: 'api' } });
  const dynamodbCall = await eventually(() => daemon.segments.find((segment) => segment.name === 'DynamoDB'));
  expect(dynamodbCall).toMatchObject({ trace_id: daemon.traceRoot, parent_id: handlerSegment.id, namespace: 'aws' });
  expect(logs.metrics[0]).toMatchObject({ xray_trace_id: daemon.traceRoot });
});
