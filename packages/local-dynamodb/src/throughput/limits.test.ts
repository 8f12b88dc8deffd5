// The throughput limits of the engine beyond DynamoDB's answers (those are in
// test/conformance/throughput.test.ts): what they leave alone, the budgets of provisioned
// tables, what is free, the counters and reset a bench reads, and bad options.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from '@jest/globals';
import { failure, firstShard, startEngineWithLimits } from '../../test/conformance/target.js';
import type { EngineWithLimits } from '../../test/conformance/target.js';
import { startLocalDynamoDB } from '../server.js';

const S = (value: string): AttributeValue => ({ S: value });
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let engine: EngineWithLimits | undefined;
afterEach(async () => {
  await engine?.stop();
  engine = undefined;
});

async function tenWriteUnits(createTable: Parameters<EngineWithLimits['createTable']>[1] = {}) {
  engine = await startEngineWithLimits({ partitionReadUnitsPerSecond: 10, partitionWriteUnitsPerSecond: 10 });
  await engine.createTable('limited', createTable);
  const put = (pk: string, attributes: Record<string, AttributeValue> = {}) =>
    engine!.dynamodb.send(new PutItemCommand({ TableName: 'limited', Item: { pk: S(pk), ...attributes } }));
  return { engine, put };
}

describe('throughput limits', () => {
  it('are off by default: a hot key is never throttled and there are no counters', async () => {
    // Prepare
    const db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0 });
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
    try {
      await client.send(
        new CreateTableCommand({
          TableName: 'plain',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );

      // Act: 1,100 writes of 1 KB at once, beyond the 1,000 WCU a key gets with the limits on
      const results = await Promise.allSettled(
        Array.from({ length: 1_100 }, (_, index) =>
          client.send(
            new PutItemCommand({ TableName: 'plain', Item: { pk: S('hot'), body: S('x'.repeat(1_000)), n: { N: String(index) } } }),
          ),
        ),
      );

      // Assess
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(db.throughput).toBeUndefined();
    } finally {
      client.destroy();
      await db.stop();
    }
  });

  it('give a provisioned table its provisioned rate, with 300 seconds of burst', async () => {
    // Prepare: 5 WCU provisioned, so 1,500 units of burst; partition budgets out of the way
    engine = await startEngineWithLimits({ partitionWriteUnitsPerSecond: 1_000_000 });
    await engine.createTable('provisioned', {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    });
    const put = (index: number) => engine!.dynamodb.send(new PutItemCommand({ TableName: 'provisioned', Item: { pk: S(`key-${index}`) } }));
    for (let index = 0; index < 1_500; index += 1) await put(index);

    // Act
    const error = await failure(put(1_500));
    engine.advance(1_000);
    const refilled = await put(1_501);

    // Assess
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.ThrottlingReasons).toEqual([
      { reason: 'TableWriteProvisionedThroughputExceeded', resource: engine.tableArn('provisioned') },
    ]);
    expect(refilled.$metadata.httpStatusCode).toBe(200);
  });

  it('charge a Scan to a provisioned table, not to any partition key', async () => {
    // Prepare: 1 RCU provisioned, 300 units of burst; each Scan of the empty table costs 0.5
    engine = await startEngineWithLimits({ partitionReadUnitsPerSecond: 1 });
    await engine.createTable('scanned', {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    });
    // eslint-disable-next-line no-restricted-syntax -- the engine serves Scans, and this is what one costs
    const scan = () => engine!.dynamodb.send(new ScanCommand({ TableName: 'scanned' }));
    for (let index = 0; index < 600; index += 1) await scan();

    // Act
    const error = await failure(scan());

    // Assess
    expect(error.ThrottlingReasons).toEqual([{ reason: 'TableReadProvisionedThroughputExceeded', resource: engine.tableArn('scanned') }]);
  });

  it('leave TTL deletions free: they delete a hot key and consume nothing', async () => {
    // Prepare: the key's budget used up by an item that has expired
    const { engine: limited, put } = await tenWriteUnits();
    await limited.dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName: 'limited', TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }),
    );
    const expired = { N: String(Date.UTC(2030, 0, 1) / 1000 - 10) };
    for (let index = 0; index < 10; index += 1) await put('expiring', { ttl: expired });
    const before = limited.db.throughput!.stats();

    // Act
    await limited.db.sweep();
    const { Item } = await limited.dynamodb.send(new GetItemCommand({ TableName: 'limited', Key: { pk: S('expiring') } }));

    // Assess
    expect(Item).toBeUndefined();
    expect(limited.db.throughput!.stats().resources[0]!.consumedWriteCapacityUnits).toBe(before.resources[0]!.consumedWriteCapacityUnits);
  });

  it('leave stream reads alone: GetRecords reads a table whose key is throttled', async () => {
    // Prepare
    const { engine: limited, put } = await tenWriteUnits({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
    for (let index = 0; index < 10; index += 1) await put('streamed');
    await failure(put('streamed'));
    const { LatestStreamArn } = (await limited.dynamodb.send(new DescribeTableCommand({ TableName: 'limited' }))).Table!;
    const streams = new DynamoDBStreamsClient({ endpoint: limited.db.endpoint, region: 'us-east-1', credentials });

    try {
      // Act
      const { ShardId } = await firstShard(streams, LatestStreamArn!);
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({ StreamArn: LatestStreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      const { Records } = await streams.send(new GetRecordsCommand({ ShardIterator }));

      // Assess
      expect(Records).toHaveLength(1);
    } finally {
      streams.destroy();
    }
  });

  it('count consumed units and throttle events per table and index, and the throttled partition keys', async () => {
    // Prepare
    const { engine: limited, put } = await tenWriteUnits({
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
      ],
    });
    for (let index = 0; index < 10; index += 1) await put('hot', { g: S(`g-${index}`) });

    // Act
    await failure(put('hot', { g: S('g-10') }));
    const stats = limited.db.throughput!.stats();

    // Assess: 10 writes of one unit, each a put into the index at a new key and a delete of the previous one
    expect(stats).toEqual({
      throttledRequests: 1,
      resources: [
        {
          tableName: 'limited',
          consumedReadCapacityUnits: 0,
          consumedWriteCapacityUnits: 10,
          readThrottleEvents: 0,
          writeThrottleEvents: 1,
        },
        {
          tableName: 'limited',
          indexName: 'byG',
          consumedReadCapacityUnits: 0,
          consumedWriteCapacityUnits: 19,
          readThrottleEvents: 0,
          writeThrottleEvents: 0,
        },
      ],
      throttledPartitions: [{ tableName: 'limited', partitionKey: S('hot'), readThrottleEvents: 0, writeThrottleEvents: 1 }],
    });
  });

  it('start again from full budgets and zero counters after reset()', async () => {
    // Prepare
    const { engine: limited, put } = await tenWriteUnits();
    for (let index = 0; index < 10; index += 1) await put('hot');
    await failure(put('hot'));

    // Act
    limited.db.throughput!.reset();
    const written = await put('hot');

    // Assess
    expect(written.$metadata.httpStatusCode).toBe(200);
    expect(limited.db.throughput!.stats()).toEqual({
      throttledRequests: 0,
      resources: [
        {
          tableName: 'limited',
          consumedReadCapacityUnits: 0,
          consumedWriteCapacityUnits: 1,
          readThrottleEvents: 0,
          writeThrottleEvents: 0,
        },
      ],
      throttledPartitions: [],
    });
  });

  it.each([
    ['zero', { partitionWriteUnitsPerSecond: 0 }, 'throughputLimits.partitionWriteUnitsPerSecond must be a positive number, got 0'],
    ['not a number', { partitionBurstSeconds: Number.NaN }, 'throughputLimits.partitionBurstSeconds must be a positive number, got NaN'],
  ])('refuse a budget that is %s before opening anything', async (_name, limits, message) => {
    // Act
    const error = await failure(startLocalDynamoDB({ port: 0, throughputLimits: limits }));

    // Assess
    expect(error.message).toBe(message);
  });
});
