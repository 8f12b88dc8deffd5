// Tracing as deployed (POWERTOOLS_TRACE_ENABLED and Lambda's variables set, as a traced function
// gets them): the handler's subsegment and one per DynamoDB call reach the X-Ray daemon's
// address (a UDP socket here, as the Lambda environment's daemon), and the log lines carry the
// trace id.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import {
  captureLogs,
  eventually,
  lambdaContext,
  startTestDatabase,
  startTracingDaemon,
  type TestDatabase,
  type TracingDaemon,
} from '@app/testing';
import { projectImage, streamEvent, streamRecord, taskImage } from './stream-events.js';

const TENANT = 'tenant:traced';
let daemon: TracingDaemon;
let db: TestDatabase;

beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
  daemon = await startTracingDaemon({ POWERTOOLS_LOG_LEVEL: 'INFO' });
});
afterAll(async () => {
  // The suites that share this worker run untraced, as before.
  await daemon.stop();
  await db.stop();
});

it('sends the handler subsegment with its DynamoDB calls to the daemon, and logs the trace id', async () => {
  // Prepare: the modules load with tracing on, as on Lambda
  const { handler } = await import('../src/handlers/table-changes.js');
  await db.client.send(
    new (await import('@aws-sdk/lib-dynamodb')).PutCommand({
      TableName: db.tableName,
      Item: projectImage(TENANT, '88888888-0000-7000-8000-000000000000'),
    }),
  );
  const record = streamRecord('INSERT', {
    new: taskImage(TENANT, '88888888-0000-7000-8000-000000000000', '88888888-0000-7000-8000-000000000001'),
  });
  const logs = captureLogs();

  // Act
  let result;
  try {
    result = await handler(streamEvent([record]), lambdaContext({ functionName: 'tableChanges' }));
  } finally {
    logs.restore();
  }

  // Assess
  expect(result).toEqual({ batchItemFailures: [] });
  const handlerSegment = await eventually(() => daemon.segments.find((segment) => segment.name === '## tableChanges'));
  expect(handlerSegment).toMatchObject({
    trace_id: daemon.traceRoot,
    annotations: { ColdStart: expect.any(Boolean), Service: 'stream-consumer' },
  });
  const dynamodbCall = await eventually(() => daemon.segments.find((segment) => segment.name === 'DynamoDB'));
  expect(dynamodbCall).toMatchObject({ trace_id: daemon.traceRoot, parent_id: handlerSegment.id, namespace: 'aws' });
  expect(logs).toContainLogLine({ message: 'change applied', xray_trace_id: daemon.traceRoot });
});
