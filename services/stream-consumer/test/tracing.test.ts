// Tracing as deployed (POWERTOOLS_TRACE_ENABLED and Lambda's variables set, as a traced function
// gets them): the handler's subsegment and one per DynamoDB call reach the X-Ray daemon's
// address (a UDP socket here, as the Lambda environment's daemon), and the log lines carry the
// trace id.
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { captureLogs, lambdaContext, startTestDatabase, type TestDatabase } from '@app/testing';
import { projectImage, streamEvent, streamRecord, taskImage } from './stream-events.js';

const TRACE_ROOT = '1-67a0b1c2-0123456789abcdef01234567';
const TENANT = 'tenant:traced';
let daemon: Socket;
const received: Record<string, unknown>[] = [];
let db: TestDatabase;
const LAMBDA_TRACING_ENV = (daemonPort: number) => ({
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  LAMBDA_TASK_ROOT: '/var/task',
  POWERTOOLS_TRACE_ENABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'INFO',
  AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemonPort}`,
  _X_AMZN_TRACE_ID: `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
});
const before: Record<string, string | undefined> = {};

beforeAll(async () => {
  daemon = createSocket('udp4');
  // Each datagram: a header line, then one (sub)segment as JSON.
  daemon.on('message', (message) => received.push(JSON.parse(message.toString().split('\n')[1]!) as Record<string, unknown>));
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  db = await startTestDatabase({ exportEnvironment: true });
  for (const [name, value] of Object.entries(LAMBDA_TRACING_ENV((daemon.address() as AddressInfo).port))) {
    before[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  // The suites that share this worker run untraced, as before.
  for (const [name, value] of Object.entries(before)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  daemon.close();
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
  await new Promise((resolve) => setTimeout(resolve, 200));
  const handlerSegment = received.find((segment) => segment.name === '## tableChanges');
  expect(handlerSegment).toMatchObject({
    trace_id: TRACE_ROOT,
    annotations: { ColdStart: expect.any(Boolean), Service: 'stream-consumer' },
  });
  expect(received).toContainEqual(
    expect.objectContaining({ name: 'DynamoDB', trace_id: TRACE_ROOT, parent_id: handlerSegment!.id, namespace: 'aws' }),
  );
  expect(logs).toContainLogLine({ message: 'change applied', xray_trace_id: TRACE_ROOT });
});
