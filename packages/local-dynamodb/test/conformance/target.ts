// Where the conformance suite runs: the embedded engine (default, started on port 0), or
// any DynamoDB endpoint given by CONFORMANCE_ENDPOINT (DynamoDB Local, LocalStack, AWS:
// `CONFORMANCE_ENDPOINT=https://dynamodb.us-east-1.amazonaws.com`, with credentials in
// the environment). The tests create their own uniquely named tables and delete them.
//
// Everything asserted here comes from the AWS documentation of each API, so that the
// same assertions can be run against DynamoDB itself to check parity.
import { randomBytes } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, StreamViewType, TableDescription } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventually } from '@app/testing';
import { startLocalDynamoDB } from '../../src/server.js';
import type { LocalDynamoDB } from '../../src/server.js';
import type { ThroughputLimitsOptions } from '../../src/throughput/limits.js';

export const externalEndpoint = process.env.CONFORMANCE_ENDPOINT?.trim() || undefined;
/** Real services take seconds to create a table; the embedded engine none. */
export const suiteTimeout = externalEndpoint ? 300_000 : 30_000;
export const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';

const isAws = (endpoint: string): boolean => /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);

export interface Target {
  endpoint: string;
  /** Set when the suite runs against the embedded engine. */
  embedded?: LocalDynamoDB;
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  documents: DynamoDBDocumentClient;
  /** Access key id and secret for tools run as child processes (the AWS CLI). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Creates a table with a unique name (prefix-xxxxxx), waits until it is ACTIVE. */
  createTable(prefix: string, input?: Partial<CreateTableCommandInput>): Promise<TableDescription & { TableName: string }>;
  stop(): Promise<void>;
}

/** CreateTable of an on-demand table keyed by `pk` (a string), unless `input` says otherwise. */
const createTableCommand = (TableName: string, input: Partial<CreateTableCommandInput>): CreateTableCommand =>
  new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...input,
  });

export async function startTarget(): Promise<Target> {
  // With DynamoDB's throughput ceilings on, so that capacity is reported (and charged) as DynamoDB does.
  const embedded = externalEndpoint ? undefined : await startLocalDynamoDB({ port: 0, warn: () => undefined, throughputLimits: true });
  const endpoint = externalEndpoint ?? embedded!.endpoint;
  // Local endpoints accept any key; AWS gets the credentials of the environment.
  const credentials = isAws(endpoint) ? undefined : { accessKeyId: 'conformance', secretAccessKey: 'conformance' };
  const config = { endpoint, region, maxAttempts: 1, ...(credentials ? { credentials } : {}) };
  const dynamodb = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const documents = DynamoDBDocumentClient.from(dynamodb);
  const created: string[] = [];
  return {
    endpoint,
    embedded,
    dynamodb,
    streams,
    documents,
    credentials,
    async createTable(prefix, input = {}) {
      const TableName = `${prefix}-${randomBytes(4).toString('hex')}`;
      await dynamodb.send(createTableCommand(TableName, input));
      created.push(TableName);
      return { ...(await waitForTable(dynamodb, TableName)), TableName };
    },
    async stop() {
      for (const TableName of created) await dynamodb.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
      dynamodb.destroy();
      streams.destroy();
      await embedded?.stop();
    },
  };
}

export async function waitForTable(dynamodb: DynamoDBClient, TableName: string): Promise<TableDescription> {
  for (let delay = 20; ; delay = Math.min(delay * 2, 2_000)) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === 'ACTIVE') return Table;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** How long stream records may take to show: a moment on AWS, none on the embedded engine. */
export const recordWait = externalEndpoint ? { timeoutMs: 60_000, intervalMs: 1_000 } : { timeoutMs: 5_000, intervalMs: 25 };

/** The single (or first) shard of a stream. */
export async function firstShard(streams: DynamoDBStreamsClient, StreamArn: string) {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  const shard = StreamDescription?.Shards?.[0];
  if (!shard?.ShardId) throw new Error(`stream ${StreamArn} has no shard yet`);
  return shard;
}

/** Every record of a stream from TRIM_HORIZON, following NextShardIterator until a page comes back empty. */
export async function readStream(streams: DynamoDBStreamsClient, StreamArn: string): Promise<StreamRecord[]> {
  const { ShardId } = await firstShard(streams, StreamArn);
  let { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
  const records: StreamRecord[] = [];
  while (ShardIterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
    records.push(...(page.Records ?? []));
    if (!page.Records?.length) break;
    ShardIterator = page.NextShardIterator;
  }
  return records;
}

/** Waits until the stream holds `count` records and returns them. */
export function recordsOf(streams: DynamoDBStreamsClient, StreamArn: string, count: number): Promise<StreamRecord[]> {
  return eventually(
    async () => {
      const records = await readStream(streams, StreamArn);
      if (records.length < count) throw new Error(`${records.length} of ${count} records so far`);
      return records;
    },
    { ...recordWait, description: `${count} stream records` },
  );
}

export const streamSpecification = (StreamViewType: StreamViewType) => ({ StreamSpecification: { StreamEnabled: true, StreamViewType } });

/** The error a promise rejects with (the test fails if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/**
 * An embedded engine of its own with throughput `limits`, on a clock that only the test
 * moves (`advance`), for the [engine-specific] cases: whatever the suite's target.
 */
export async function startEngineWithLimits(limits: ThroughputLimitsOptions = {}) {
  let now = Date.UTC(2030, 0, 1);
  const db: LocalDynamoDB = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0, now: () => now, throughputLimits: limits });
  const dynamodb = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'conformance', secretAccessKey: 'conformance' },
    // The SDK retries throttled requests; the tests look at each answer.
    maxAttempts: 1,
  });
  const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
  return {
    db,
    dynamodb,
    tableArn,
    advance: (ms: number) => void (now += ms),
    async createTable(TableName: string, input: Partial<CreateTableCommandInput> = {}) {
      await dynamodb.send(createTableCommand(TableName, input));
      return TableName;
    },
    async stop() {
      dynamodb.destroy();
      await db.stop();
    },
  };
}

export type EngineWithLimits = Awaited<ReturnType<typeof startEngineWithLimits>>;
