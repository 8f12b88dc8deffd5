// Deletion of expired items by the TTL sweep, with the REMOVE records DynamoDB writes
// for them (developer guide, "Time to Live": "DynamoDB Streams and Time to Live").
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { afterEach, describe, expect, it } from '@jest/globals';
import { readStream } from '../test/conformance/target.js';
import { startLocalDynamoDB } from './server.js';
import type { LocalDynamoDBOptions } from './server.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const NOW = Date.UTC(2030, 0, 1);
const seconds = (ms: number): AttributeValue => ({ N: String(Math.floor(ms / 1000)) });

async function start(options: LocalDynamoDBOptions, timeToLive = true) {
  const db = await startLocalDynamoDB({ port: 0, ...options });
  cleanups.push(() => db.stop());
  const config = { endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const client = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  cleanups.push(
    () => client.destroy(),
    () => streams.destroy(),
  );
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: 'expiring',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'group', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        { IndexName: 'byGroup', KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  if (timeToLive)
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: 'expiring', TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
    );
  const put = (pk: string, expiresAt?: AttributeValue) =>
    client.send(
      new PutItemCommand({ TableName: 'expiring', Item: { pk: { S: pk }, group: { S: 'g' }, ...(expiresAt ? { expiresAt } : {}) } }),
    );
  const keysInIndex = async () =>
    (
      await client.send(
        new QueryCommand({
          TableName: 'expiring',
          IndexName: 'byGroup',
          KeyConditionExpression: '#g = :g',
          ExpressionAttributeNames: { '#g': 'group' },
          ExpressionAttributeValues: { ':g': { S: 'g' } },
        }),
      )
    ).Items?.map((item) => item.pk?.S).sort();
  return { db, client, put, keysInIndex, records: () => readStream(streams, TableDescription!.LatestStreamArn!) };
}

describe('the TTL sweep', () => {
  it('deletes items whose TTL attribute is a Number of epoch seconds in the past, and only those', async () => {
    // Prepare
    const { db, put, keysInIndex, records } = await start({ now: () => NOW, ttlSweepIntervalMs: 0 });
    await put('expired', seconds(NOW - 10_000));
    await put('future', seconds(NOW + 3_600_000));
    await put('now', seconds(NOW)); // not earlier than now
    await put('string', { S: String(Math.floor((NOW - 10_000) / 1000)) });
    await put('list', { L: [seconds(NOW - 10_000)] });
    await put('missing');
    await put('ancient', seconds(NOW - 6 * 365 * 24 * 3_600_000)); // more than five years ago: ignored

    // Act
    await db.sweep();

    // Assess
    expect(await keysInIndex()).toEqual(['ancient', 'future', 'list', 'missing', 'now', 'string']);
    const removes = (await records()).filter((record) => record.eventName === 'REMOVE');
    expect(removes).toHaveLength(1);
    expect(removes[0]).toMatchObject({
      eventName: 'REMOVE',
      eventSource: 'aws:dynamodb',
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
      dynamodb: { Keys: { pk: { S: 'expired' } }, OldImage: { pk: { S: 'expired' }, group: { S: 'g' }, expiresAt: seconds(NOW - 10_000) } },
    });
    expect(removes[0]?.dynamodb?.NewImage).toBeUndefined();
  });

  it('deletes nothing on a table without TTL', async () => {
    // Prepare
    const { db, put, keysInIndex } = await start({ now: () => NOW, ttlSweepIntervalMs: 0 }, false);
    await put('expired', seconds(NOW - 10_000));

    // Act
    await db.sweep();

    // Assess
    expect(await keysInIndex()).toEqual(['expired']);
  });

  it('runs in the background every ttlSweepIntervalMs', async () => {
    // Prepare
    const { put, keysInIndex } = await start({ ttlSweepIntervalMs: 20 });

    // Act
    await put('expired', seconds(Date.now() - 5_000));
    await put('live', seconds(Date.now() + 3_600_000));
    const deadline = Date.now() + 5_000;
    while ((await keysInIndex())?.includes('expired') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));

    // Assess
    expect(await keysInIndex()).toEqual(['live']);
  });
});
