// The local event-source mapping against the embedded DynamoDB with Streams: each Lambda
// setting, checked on real stream records.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDBClient } from '@app/local-dynamodb';
import { eventually, startTestDatabase, type TestDatabase } from '@app/testing';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startStreamRunner, type StreamMapping, type StreamRunner } from '../src/index.js';

let db: TestDatabase;
let client: DynamoDBClient;
let tableName: string;
let stateDir: string;
let runner: StreamRunner | undefined;

beforeAll(async () => {
  db = await startTestDatabase();
  tableName = db.tableName;
  client = createDynamoDBClient(db.endpoint);
});
afterAll(async () => {
  client.destroy();
  await db.stop();
});
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'runner-'));
});
afterEach(async () => {
  await runner?.stop();
  runner = undefined;
  await rm(stateDir, { recursive: true, force: true });
});

let runId = 0;
/** Items of one test only: each test writes under its own partition and filters on it. */
function scope() {
  const pk = `RUN#${++runId}#${Date.now()}`;
  return {
    pk,
    put: (sk: string, extra: Record<string, string> = {}) =>
      client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: { pk: { S: pk }, sk: { S: sk }, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { S: v }])) },
        }),
      ),
    filter: { dynamodb: { Keys: { pk: { S: [pk] } } } },
  };
}

function mapping(overrides: Partial<StreamMapping>): StreamMapping {
  return {
    functionName: 'fn',
    handler: { file: 'unused', exportName: 'handler' },
    environment: {},
    timeoutSeconds: 60,
    streamArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${tableName}/stream/latest`,
    batchSize: 100,
    batchWindowSeconds: 0,
    startingPosition: 'TRIM_HORIZON',
    filterPatterns: [],
    reportBatchItemFailures: true,
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    onFailure: true,
    onFailureVariables: [],
    ...overrides,
  };
}

type Handler = (records: DynamoDBRecord[]) => Promise<unknown> | unknown;

async function start(settings: Partial<StreamMapping>, handle: Handler, log: string[] = []) {
  runner = await startStreamRunner({
    serviceDir: '/nonexistent',
    mappings: [mapping(settings)],
    endpoint: db.endpoint,
    stateDir,
    pollIntervalMs: 20,
    retryDelayMs: () => 10,
    log: (line) => log.push(line),
    invokers: { fn: async (event) => handle(event.Records) },
  });
  return runner;
}

const sks = (records: DynamoDBRecord[]) => records.map((r) => r.dynamodb!.Keys!.sk!.S!);

describe('local event-source mapping', () => {
  it('delivers records in order in batches of at most batchSize, in the shape Lambda gives', async () => {
    const s = scope();
    const batches: DynamoDBRecord[][] = [];
    for (let i = 0; i < 7; i++) await s.put(`item-${i}`);
    await start({ batchSize: 3, filterPatterns: [s.filter] }, (records) => void batches.push(records));
    await eventually(() => batches.flat().length === 7);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
    expect(sks(batches.flat())).toEqual(Array.from({ length: 7 }, (_, i) => `item-${i}`));
    const record = batches[0]![0]!;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringMatching(/:table\/.+\/stream\//),
    });
    expect(typeof record.dynamodb!.ApproximateCreationDateTime).toBe('number');
    expect(record.dynamodb!.NewImage).toEqual({ pk: { S: s.pk }, sk: { S: 'item-0' } });
  });

  it('waits up to the batching window to fill a batch', async () => {
    const s = scope();
    const batches: DynamoDBRecord[][] = [];
    await start({ batchWindowSeconds: 1, filterPatterns: [s.filter] }, (records) => void batches.push(records));
    for (let i = 0; i < 3; i++) await s.put(`w-${i}`);
    await eventually(() => batches.flat().length === 3);
    expect(batches).toHaveLength(1);
  });

  it('starts at LATEST or TRIM_HORIZON as configured', async () => {
    const s = scope();
    await s.put('before');
    const seen: string[] = [];
    await start({ startingPosition: 'LATEST', filterPatterns: [s.filter] }, (records) => void seen.push(...sks(records)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await s.put('after');
    await eventually(() => seen.includes('after'));
    expect(seen).toEqual(['after']);
  });

  it('delivers only records that match a filter pattern', async () => {
    const s = scope();
    const seen: string[] = [];
    await s.put('a', { kind: 'keep' });
    await s.put('b', { kind: 'drop' });
    await s.put('c', { kind: 'keep' });
    await start(
      { filterPatterns: [{ dynamodb: { Keys: { pk: { S: [s.pk] } }, NewImage: { kind: { S: ['keep'] } } } }] },
      (records) => void seen.push(...sks(records)),
    );
    await eventually(() => seen.length === 2);
    expect(seen).toEqual(['a', 'c']);
  });

  it('retries from the lowest failed record of a partial batch response', async () => {
    const s = scope();
    const invocations: string[][] = [];
    for (const sk of ['p1', 'p2', 'p3']) await s.put(sk);
    let failed = false;
    await start({ filterPatterns: [s.filter] }, (records) => {
      invocations.push(sks(records));
      const p2 = records.find((r) => r.dynamodb!.Keys!.sk!.S === 'p2');
      if (p2 && !failed) {
        failed = true;
        return { batchItemFailures: [{ itemIdentifier: p2.dynamodb!.SequenceNumber }] };
      }
      return { batchItemFailures: [] };
    });
    await eventually(() => invocations.length === 2);
    expect(invocations).toEqual([
      ['p1', 'p2', 'p3'],
      ['p2', 'p3'],
    ]);
  });

  it('bisects a failing batch, dead-letters the poison record after its retries, and moves on', async () => {
    const s = scope();
    for (const sk of ['b1', 'b2', 'poison', 'b4']) await s.put(sk);
    const delivered: string[] = [];
    await start({ filterPatterns: [s.filter], bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 }, (records) => {
      if (sks(records).includes('poison')) throw new Error('cannot process');
      delivered.push(...sks(records));
      return {};
    });
    await eventually(() => delivered.includes('b4'));
    expect(delivered).toEqual(['b1', 'b2', 'b4']);
    const dir = join(stateDir, 'failures', 'fn');
    const [file] = await readdir(dir);
    const payload = JSON.parse(await readFile(join(dir, file!), 'utf8'));
    expect(payload).toMatchObject({
      version: '1.0',
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 3,
        functionArn: expect.stringContaining(':function:fn'),
      },
      responseContext: { functionError: 'Unhandled' },
      DDBStreamBatchInfo: { batchSize: 1, streamArn: runner!.streams.fn },
    });
    expect(payload.DDBStreamBatchInfo.startSequenceNumber).toBe(payload.DDBStreamBatchInfo.endSequenceNumber);
  });

  it('sends records older than the maximum record age to the destination', async () => {
    const s = scope();
    await s.put('old');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const delivered: string[] = [];
    await start({ filterPatterns: [s.filter], maximumRecordAgeInSeconds: 1 }, (records) => void delivered.push(...sks(records)));
    const dir = join(stateDir, 'failures', 'fn');
    const found = await (async () => {
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const names = await readdir(dir).catch(() => []);
        if (names.length) return names;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [];
    })();
    expect(found).toHaveLength(1);
    expect(JSON.parse(await readFile(join(dir, found[0]!), 'utf8')).requestContext.condition).toBe('RecordAgeExceeded');
    expect(delivered).toEqual([]);
  });

  it("gives the function its on-failure destination's folder, as a file: URL in the variables that name the destination", async () => {
    // Prepare: a handler module that sends every record it gets to its destination itself.
    const s = scope();
    const serviceDir = join(stateDir, 'service');
    await mkdir(join(serviceDir, 'src'), { recursive: true });
    await writeFile(
      join(serviceDir, 'src', 'sender.ts'),
      `import { mkdir, writeFile } from 'node:fs/promises';
       export async function handler(event: { Records: { eventID: string }[] }) {
         await mkdir(new URL(process.env.DESTINATION!), { recursive: true });
         for (const record of event.Records)
           await writeFile(new URL(\`\${record.eventID}.json\`, process.env.DESTINATION + '/'), JSON.stringify({ kind: 'sent by the function' }));
         return { batchItemFailures: [] };
       }`,
    );
    await s.put('sent');

    // Act
    runner = await startStreamRunner({
      serviceDir,
      mappings: [
        mapping({
          handler: { file: 'src/sender', exportName: 'handler' },
          environment: { DESTINATION: '' },
          onFailureVariables: ['DESTINATION'],
          filterPatterns: [s.filter],
        }),
      ],
      endpoint: db.endpoint,
      stateDir,
      pollIntervalMs: 20,
      log: () => undefined,
    });

    // Assess
    const dir = join(stateDir, 'failures', 'fn');
    const [file] = await eventually(async () => {
      const names = await readdir(dir).catch(() => [] as string[]);
      return names.length > 0 ? names : undefined;
    });
    expect(JSON.parse(await readFile(join(dir, file!), 'utf8'))).toEqual({ kind: 'sent by the function' });
    expect(process.env.DESTINATION).toMatch(/^file:\/\//);
  });

  it('resumes after its checkpoint when restarted', async () => {
    const s = scope();
    const first: string[] = [];
    await s.put('r1');
    await s.put('r2');
    await start({ filterPatterns: [s.filter] }, (records) => void first.push(...sks(records)));
    await eventually(() => first.length === 2);
    await runner!.stop();
    runner = undefined;
    await s.put('r3');
    const second: string[] = [];
    await start({ filterPatterns: [s.filter] }, (records) => void second.push(...sks(records)));
    await eventually(() => second.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(second).toEqual(['r3']);
  });

  it('logs one line per batch', async () => {
    const s = scope();
    const log: string[] = [];
    await s.put('l1');
    await start({ filterPatterns: [s.filter] }, () => ({}), log);
    await eventually(() => log.some((line) => / ok in \d+ ms/.test(line)));
    expect(log.filter((line) => / ok in /.test(line))[0]).toMatch(/^\[fn [\w-]{8}\] 1 records \d+: ok in \d+ ms/);
  });
});
