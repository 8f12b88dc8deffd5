// With a data folder, streams, their records, stream and TTL settings survive a restart,
// and sequence numbers keep growing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readStream } from '../test/conformance/target.js';
import { startLocalDynamoDB } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function open(dataDir: string, now?: () => number) {
  const db = await startLocalDynamoDB({ port: 0, dataDir, ttlSweepIntervalMs: 0, ...(now ? { now } : {}) });
  const config = { endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const client = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const close = async () => {
    client.destroy();
    streams.destroy();
    await db.stop();
  };
  cleanups.push(close);
  return { db, client, streams, close };
}

async function tempDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'local-dynamodb-streams-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  return dataDir;
}

describe('a data folder', () => {
  it('keeps streams, records, stream and TTL settings across a restart', async () => {
    // Prepare
    const dataDir = await tempDir();
    const first = await open(dataDir);
    const TableName = 'kept';
    const { TableDescription } = await first.client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const oldStream = TableDescription!.LatestStreamArn!;
    await first.client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' } }));
    await first.client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'one' } } }));
    await first.client.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }));
    const { TableDescription: reenabled } = await first.client.send(
      new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
    );
    const newStream = reenabled!.LatestStreamArn!;
    await first.client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'two' } } }));
    const { StreamDescription } = await first.streams.send(new DescribeStreamCommand({ StreamArn: newStream }));
    const ShardId = StreamDescription!.Shards![0]!.ShardId!;
    const { ShardIterator } = await first.streams.send(
      new GetShardIteratorCommand({ StreamArn: newStream, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const beforeRestart = await first.streams.send(new GetRecordsCommand({ ShardIterator }));
    await first.close();

    // Act
    const second = await open(dataDir);
    await second.client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'three' } } }));

    // Assess
    const { Table } = await second.client.send(new DescribeTableCommand({ TableName }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    expect(Table?.LatestStreamArn).toBe(newStream);
    expect((await second.client.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'ttl',
    });
    expect((await second.streams.send(new ListStreamsCommand({ TableName }))).Streams?.map((stream) => stream.StreamArn).sort()).toEqual(
      [oldStream, newStream].sort(),
    );
    expect((await second.streams.send(new DescribeStreamCommand({ StreamArn: oldStream }))).StreamDescription?.StreamStatus).toBe(
      'DISABLED',
    );
    expect((await readStream(second.streams, oldStream)).map((record) => record.dynamodb?.NewImage)).toEqual([{ pk: { S: 'one' } }]);
    const records = await readStream(second.streams, newStream);
    expect(records.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['two', 'three']);
    expect(BigInt(records[1]!.dynamodb!.SequenceNumber!)).toBeGreaterThan(BigInt(records[0]!.dynamodb!.SequenceNumber!));
    // An iterator taken before the restart goes on where it was.
    const continued = await second.streams.send(new GetRecordsCommand({ ShardIterator: beforeRestart.NextShardIterator }));
    expect(continued.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['three']);
  });

  it('resumes a stream whose records were all trimmed: LATEST reads on, sequence numbers keep growing', async () => {
    // Prepare
    let now = Date.UTC(2030, 0, 1);
    const dataDir = await tempDir();
    const first = await open(dataDir, () => now);
    const { TableDescription } = await first.client.send(
      new CreateTableCommand({
        TableName: 'trimmed',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
      }),
    );
    const StreamArn = TableDescription!.LatestStreamArn!;
    await first.client.send(new PutItemCommand({ TableName: 'trimmed', Item: { pk: { S: 'old' } } }));
    const [old] = await readStream(first.streams, StreamArn);
    now += 25 * 60 * 60 * 1000;
    await first.db.sweep();
    await first.close();

    // Act
    const second = await open(dataDir, () => now);
    const { StreamDescription } = await second.streams.send(new DescribeStreamCommand({ StreamArn }));
    const ShardId = StreamDescription!.Shards![0]!.ShardId!;
    const { ShardIterator } = await second.streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'LATEST' }));
    await second.client.send(new PutItemCommand({ TableName: 'trimmed', Item: { pk: { S: 'new' } } }));
    const page = await second.streams.send(new GetRecordsCommand({ ShardIterator }));

    // Assess
    expect(page.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['new']);
    expect(BigInt(page.Records![0]!.dynamodb!.SequenceNumber!)).toBeGreaterThan(BigInt(old!.dynamodb!.SequenceNumber!));
    expect((await readStream(second.streams, StreamArn)).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['new']);
  });
});
