// The consumer's handler on generated stream events, against the embedded DynamoDB:
// duplicates, replays, interleaved items, poison records, failures mid-batch, cleanup.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureLogs, lambdaContext, startTestDatabase, type TestDatabase } from '@app/testing';
import { SQSClient } from '@aws-sdk/client-sqs';
import { childPartitionKey, cleanupEntity, createRepositories, keyOf, projectEntity, ProjectionWriter, type Repositories } from '@app/data';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { handler } from '../src/handlers/table-changes.js';
import { logger } from '../src/logger.js';
import { streamEvent, streamRecord, taskImage, type Item } from './stream-events.js';

let db: TestDatabase;
let repos: Repositories;
let client: TestDatabase['client'];
let tableName: string;
let destination: string;
const TENANT = 'tenant:acme';
const context = lambdaContext({ functionName: 'tableChanges', timeoutMs: 60_000 });

beforeAll(async () => {
  destination = await mkdtemp(join(tmpdir(), 'on-failure-'));
  db = await startTestDatabase({
    exportEnvironment: true,
    extraEnvironment: { CLEANUP_BATCH_SIZE: '5', ON_FAILURE_DESTINATION: pathToFileURL(destination).href },
  });
  ({ client, tableName } = db);
  repos = createRepositories({ client, tableName, cursorSecret: 'consumer-test-cursor-secret' });
});
afterAll(async () => {
  await db.stop();
  await rm(destination, { recursive: true, force: true });
});
afterEach(() => {
  jest.restoreAllMocks();
  process.env.ON_FAILURE_DESTINATION = pathToFileURL(destination).href;
});

const run = (records: DynamoDBRecord[]) => handler(streamEvent(records), context);
const counts = async (projectId: string) => (await repos.projects.get(TENANT, projectId)).taskCounts;
const activity = async (projectId: string) => (await repos.activity.list(TENANT, projectId, { limit: 100 })).items;

/** The changes the API would make to a task, as stream records. */
function taskLifecycle(projectId: string, taskId: string) {
  const created = taskImage(TENANT, projectId, taskId, { updatedAt: '2026-05-01T10:00:00.000Z' });
  const started = { ...created, status: 'in_progress', version: 2, updatedAt: '2026-05-01T10:01:00.000Z' };
  const done = { ...started, status: 'done', version: 3, updatedAt: '2026-05-01T10:02:00.000Z' };
  return {
    insert: streamRecord('INSERT', { new: created }),
    start: streamRecord('MODIFY', { old: created, new: started }),
    finish: streamRecord('MODIFY', { old: started, new: done }),
    remove: streamRecord('REMOVE', { old: done }),
  };
}

describe('task counts and activity', () => {
  it('counts a created task once, however often its record arrives', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Counts' });
    const { insert } = taskLifecycle(project.id, '11111111-0000-7000-8000-000000000001');
    expect(await run([insert, insert])).toEqual({ batchItemFailures: [] });
    expect(await run([insert])).toEqual({ batchItemFailures: [] });
    expect(await counts(project.id)).toEqual({ total: 1, open: 1, in_progress: 0, done: 0 });
    expect(await activity(project.id)).toHaveLength(1);
    // A task's change is not a change of the project's own state: its version (its ETag) stays.
    expect((await repos.projects.get(TENANT, project.id)).version).toBe(1);
  });

  it('applies interleaved changes of several tasks, and a replay of the batch changes nothing', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Interleaved' });
    const a = taskLifecycle(project.id, '22222222-0000-7000-8000-00000000000a');
    const b = taskLifecycle(project.id, '22222222-0000-7000-8000-00000000000b');
    const c = taskLifecycle(project.id, '22222222-0000-7000-8000-00000000000c');
    const batch = [a.insert, b.insert, a.start, c.insert, b.start, a.finish, b.finish, c.start, b.remove];
    await run(batch);
    const expected = { total: 2, open: 0, in_progress: 1, done: 1 };
    expect(await counts(project.id)).toEqual(expected);
    const entries = await activity(project.id);
    expect(entries).toHaveLength(9);
    expect(entries[0]).toMatchObject({ type: 'task.deleted', taskId: b.remove.dynamodb!.OldImage!.id!.S });
    expect(entries.map((e) => e.occurredAt)).toEqual([...entries.map((e) => e.occurredAt)].sort().reverse());

    await run(batch);
    await run(batch.slice(3));
    expect(await counts(project.id)).toEqual(expected);
    expect(await activity(project.id)).toHaveLength(9);
  });

  it('records which fields changed, with their values before and after', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Changes' });
    const before = taskImage(TENANT, project.id, '33333333-0000-7000-8000-000000000001', { dueDate: '2027-01-01' });
    await run([streamRecord('INSERT', { new: before })]);
    const after = { ...before, title: 'Retitled', dueDate: undefined, version: 2, updatedAt: '2026-06-01T00:00:00.000Z' };
    await run([streamRecord('MODIFY', { old: before, new: after })]);
    expect((await activity(project.id))[0]).toMatchObject({
      type: 'task.updated',
      title: 'Retitled',
      changes: { title: { from: 'Task', to: 'Retitled' }, dueDate: { from: '2027-01-01', to: null } },
    });
    expect(await counts(project.id)).toEqual({ total: 1, open: 1, in_progress: 0, done: 0 });
  });
});

/** The messages in the local on-failure destination about this record. */
async function setAside(record: DynamoDBRecord) {
  const messages = [];
  for (const name of await readdir(destination)) {
    const message = JSON.parse(await readFile(join(destination, name), 'utf8'));
    if (message.record?.eventID === record.eventID) messages.push(message);
  }
  return messages;
}

function brokenTask(projectId: string, taskId: string): Item {
  const image: Item = taskImage(TENANT, projectId, taskId);
  delete image.title;
  return image;
}

describe('records that can never succeed', () => {
  it('sets one aside and applies the records around it', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Poison' });
    const before = taskLifecycle(project.id, '44444444-0000-7000-8000-000000000001');
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-000000000002') });
    const after = taskLifecycle(project.id, '44444444-0000-7000-8000-000000000003');

    // Act
    const response = await run([before.insert, poison, after.insert]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await counts(project.id)).toEqual({ total: 2, open: 2, in_progress: 0, done: 0 });
    expect(await activity(project.id)).toHaveLength(2);
  });

  it('sends the record itself to the on-failure destination, with the reason', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Destination' });
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-000000000004') });

    // Act
    await run([streamRecord('INSERT', { new: taskImage(TENANT, project.id, '44444444-0000-7000-8000-000000000005') }), poison]);

    // Assess
    expect(await setAside(poison)).toEqual([
      {
        kind: 'skipped-record',
        version: '1.0',
        timestamp: expect.any(String),
        reason: { code: 'unreadable-item', message: 'task item without a string title' },
        invocation: { functionName: 'tableChanges', awsRequestId: context.awsRequestId, batchSize: 2, position: 1 },
        record: poison,
      },
    ]);
  });

  it('logs one line for it, and counts it in a metric', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Logged' });
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-000000000006') });
    logger.setLogLevel('INFO');
    const logs = captureLogs();

    // Act
    try {
      await run([poison]);
    } finally {
      logs.restore();
      logger.setLogLevel('SILENT');
    }

    // Assess
    expect(
      logs.entries.filter((entry) => entry.message === 'record skipped: it can never succeed, sent to the on-failure destination'),
    ).toEqual([
      expect.objectContaining({
        level: 'WARN',
        sequenceNumber: poison.dynamodb!.SequenceNumber,
        eventID: poison.eventID,
        reason: 'unreadable-item',
        destination: expect.stringContaining(destination),
      }),
    ]);
    expect(logs).toContainLogLine({
      _aws: { CloudWatchMetrics: [{ Namespace: 'rest-api-stream-consumer', Metrics: [{ Name: 'SkippedRecords', Unit: 'Count' }] }] },
      SkippedRecords: 1,
      service: 'stream-consumer',
    });
  });

  it('sets aside a record whose write DynamoDB refuses as invalid', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Refused' });
    const record = streamRecord('INSERT', { new: taskImage(TENANT, project.id, '44444444-0000-7000-8000-000000000007') });
    jest
      .spyOn(ProjectionWriter.prototype, 'applyChange')
      .mockRejectedValue(Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' }));

    // Act
    const response = await run([record]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(await setAside(record)).toEqual([
      expect.objectContaining({ reason: expect.objectContaining({ code: 'rejected-by-dynamodb' }) }),
    ]);
  });

  it('sends it to the SQS queue named by ON_FAILURE_DESTINATION', async () => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Queued' });
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-000000000008') });
    process.env.ON_FAILURE_DESTINATION = 'https://sqs.us-east-1.amazonaws.com/000000000000/rest-api-stream-consumer-dev-dlq';
    const send = jest.spyOn(SQSClient.prototype, 'send').mockResolvedValue({} as never);

    // Act
    const response = await run([poison]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const { input } = send.mock.calls[0]![0] as unknown as { input: { QueueUrl: string; MessageBody: string } };
    expect(input.QueueUrl).toBe(process.env.ON_FAILURE_DESTINATION);
    expect(JSON.parse(input.MessageBody)).toMatchObject({ kind: 'skipped-record', record: poison });
  });

  it.each([
    ['cannot be sent there', async () => void (process.env.ON_FAILURE_DESTINATION = pathToFileURL(await notAFolder()).href)],
    ['has no destination configured', async () => void delete process.env.ON_FAILURE_DESTINATION],
  ])('stops the batch at a record that %s, to be retried: it is never lost', async (_, misconfigure) => {
    // Prepare
    const project = await repos.projects.create(TENANT, { name: 'Unsendable' });
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-000000000009') });
    await misconfigure();

    // Act
    const response = await run([poison]);

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: poison.dynamodb!.SequenceNumber }] });
  });

  it('goes on without sending anything when the destination is empty', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Nowhere' });
    process.env.ON_FAILURE_DESTINATION = '';
    const poison = streamRecord('INSERT', { new: brokenTask(project.id, '44444444-0000-7000-8000-00000000000a') });

    expect(await run([poison])).toEqual({ batchItemFailures: [] });
    expect(await setAside(poison)).toEqual([]);
  });
});

/** A path below a file: no folder can be made there. */
async function notAFolder() {
  const file = join(destination, '..', `not-a-folder-${Date.now()}`);
  await writeFile(file, '');
  return join(file, 'failures');
}

describe('failures', () => {
  it('reports a record whose write fails, and a retry from it applies everything exactly once', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Throttled' });
    const a = taskLifecycle(project.id, '55555555-0000-7000-8000-000000000001');
    const b = taskLifecycle(project.id, '55555555-0000-7000-8000-000000000002');
    const batch = [a.insert, b.insert, a.start, b.start];
    const real = ProjectionWriter.prototype.applyChange;
    jest.spyOn(ProjectionWriter.prototype, 'applyChange').mockImplementation(async function (this: ProjectionWriter, ...args) {
      if (args[2].eventId === a.start.eventID) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return real.apply(this, args);
    });
    expect(await run(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: a.start.dynamodb!.SequenceNumber }] });
    expect(await counts(project.id)).toEqual({ total: 2, open: 2, in_progress: 0, done: 0 });

    jest.restoreAllMocks();
    expect(await run(batch.slice(2))).toEqual({ batchItemFailures: [] });
    expect(await counts(project.id)).toEqual({ total: 2, open: 0, in_progress: 2, done: 0 });
    expect(await activity(project.id)).toHaveLength(4);
  });
});

describe('the metrics of a batch', () => {
  /** The EMF line of the batch (one per invocation: every metric of it in one line). */
  async function metricsOf(records: DynamoDBRecord[]) {
    const logs = captureLogs();
    try {
      return { result: await run(records), metrics: logs.metrics };
    } finally {
      logs.restore();
    }
  }
  const namesIn = (line: Record<string, unknown>) =>
    (line._aws as { CloudWatchMetrics: { Metrics: { Name: string; Unit: string }[] }[] }).CloudWatchMetrics[0]!.Metrics;

  it('count the records applied and how old the newest was when applied', async () => {
    // Prepare: the newest record written 5 s ago
    const project = await repos.projects.create(TENANT, { name: 'Metrics' });
    const insertAt = (n: number, secondsAgo: number) =>
      streamRecord(
        'INSERT',
        { new: taskImage(TENANT, project.id, `66666666-0000-7000-8000-00000000000${n}`) },
        new Date(Date.now() - secondsAgo * 1_000),
      );
    const batch = [insertAt(1, 60), insertAt(2, 5), insertAt(3, 30)];

    // Act
    const { metrics } = await metricsOf(batch);

    // Assess
    expect(metrics).toHaveLength(1);
    expect(namesIn(metrics[0]!)).toEqual([
      { Name: 'RecordsApplied', Unit: 'Count' },
      { Name: 'AppliedRecordAge', Unit: 'Milliseconds' },
    ]);
    expect(metrics[0]).toMatchObject({ service: 'stream-consumer', RecordsApplied: 3 });
    expect(metrics[0]!.AppliedRecordAge).toBeGreaterThanOrEqual(4_000);
    expect(metrics[0]!.AppliedRecordAge).toBeLessThan(60_000);
  });

  it.each([
    ['first', 0, { RecordsFailed: 1, BatchesBisected: 1 }],
    ['second', 1, { RecordsApplied: 1, RecordsFailed: 1 }],
  ])('count a failed record, and a batch Lambda bisects when it is the %s', async (_which, failing, expected) => {
    // Prepare: the write of one record fails (DynamoDB throttling, which no real engine does on demand)
    const project = await repos.projects.create(TENANT, { name: `Failing ${failing}` });
    const batch = [0, 1].map((i) => taskLifecycle(project.id, `77777777-0000-7000-8000-00000000000${failing}${i}`.slice(-36)).insert);
    const real = ProjectionWriter.prototype.applyChange;
    jest.spyOn(ProjectionWriter.prototype, 'applyChange').mockImplementation(async function (this: ProjectionWriter, ...args) {
      if (args[2].eventId === batch[failing]!.eventID) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return real.apply(this, args);
    });

    // Act
    const { metrics } = await metricsOf(batch);

    // Assess
    expect(metrics).toHaveLength(1);
    const counted = Object.fromEntries(
      namesIn(metrics[0]!)
        .filter((m) => m.Unit === 'Count')
        .map((m) => [m.Name, metrics[0]![m.Name]]),
    );
    expect(counted).toEqual(expected);
  });
});

describe('deleted projects', () => {
  it('empties the partition of a deleted project in bounded steps, leaving nothing behind', async () => {
    const project = await repos.projects.create(TENANT, { name: 'Doomed' });
    for (let i = 0; i < 12; i++) {
      const task = await repos.tasks.create(TENANT, project.id, { title: `t${i}` });
      await run([streamRecord('INSERT', { new: { ...taskImage(TENANT, project.id, task.id), ...task } })]);
    }
    const projectItem = (
      await client.send(new GetCommand({ TableName: tableName, Key: keyOf(projectEntity, { tenantId: TENANT, projectId: project.id }) }))
    ).Item!;
    await repos.projects.delete(TENANT, project.id);

    await run([streamRecord('REMOVE', { old: projectItem })]);
    const cleanupKey = keyOf(cleanupEntity, { tenantId: TENANT, projectId: project.id });
    let cleanup = (await client.send(new GetCommand({ TableName: tableName, Key: cleanupKey }))).Item;
    expect(cleanup).toMatchObject({ entity: 'cleanup', deleted: 0 });

    // Each cleanup record (its INSERT, then each MODIFY) drives one step of 5 deletions.
    let record = streamRecord('INSERT', { new: cleanup! });
    let steps = 0;
    while (cleanup) {
      await run([record, record]);
      steps++;
      const next = (await client.send(new GetCommand({ TableName: tableName, Key: cleanupKey }))).Item;
      if (next) record = streamRecord('MODIFY', { old: cleanup, new: next });
      cleanup = next;
    }
    const left = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': childPartitionKey(projectEntity, { tenantId: TENANT, id: project.id }) },
      }),
    );
    expect(left.Items).toEqual([]);
    // 12 tasks + 12 activity entries, at most 5 per step and 2 steps per run (the duplicate
    // record steps again, harmlessly): at least 3 runs, so no step deleted more than it may.
    expect(steps).toBeGreaterThanOrEqual(3);
  });

  it('deletes a task created under a project that no longer exists', async () => {
    const orphan = taskImage(TENANT, '66666666-0000-7000-8000-00000000dead', '66666666-0000-7000-8000-000000000001');
    await client.send(new PutCommand({ TableName: tableName, Item: orphan }));
    expect(await run([streamRecord('INSERT', { new: orphan })])).toEqual({ batchItemFailures: [] });
    expect((await client.send(new GetCommand({ TableName: tableName, Key: { pk: orphan.pk, sk: orphan.sk } }))).Item).toBeUndefined();
  });
});
