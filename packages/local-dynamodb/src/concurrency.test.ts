// Many writers from several clients on the same items, with a stream reader running
// alongside: no record may be lost, duplicated or out of order for an item.
//
// Every write adds 1 to a counter of its item, so the records of one item must carry
// NewImage counters 1, 2, 3 ... n with no gap (lost), no repeat (duplicated) and in
// that order (commit order), each OldImage being the previous NewImage.
import { CreateTableCommand, DynamoDBClient, GetItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalDynamoDB } from './server.js';
import type { LocalDynamoDB } from './server.js';

const TableName = 'concurrency';
const ITEMS = 8;
const CLIENTS = 4;
const UPDATES_PER_CLIENT_AND_ITEM = 12;
const TRANSACTIONS_PER_CLIENT = 20;

let db: LocalDynamoDB;
const clients: DynamoDBClient[] = [];
let streams: DynamoDBStreamsClient;
let StreamArn: string;

beforeAll(async () => {
  db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0 });
  const config = {
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  };
  for (let index = 0; index < CLIENTS; index += 1) clients.push(new DynamoDBClient(config));
  streams = new DynamoDBStreamsClient(config);
  const { TableDescription } = await clients[0]!.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  StreamArn = TableDescription!.LatestStreamArn!;
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  streams?.destroy();
  await db?.stop();
});

const increment = (pk: string) => ({
  TableName,
  Key: { pk: { S: pk } },
  UpdateExpression: 'ADD n :one',
  ExpressionAttributeValues: { ':one': { N: '1' } },
});

/** Reads the stream from TRIM_HORIZON until `expected` records arrived (or 20 s passed). */
async function follow(expected: number): Promise<StreamRecord[]> {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  let { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn, ShardId: StreamDescription!.Shards![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const records: StreamRecord[] = [];
  const deadline = Date.now() + 20_000;
  while (records.length < expected && Date.now() < deadline) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 37 }));
    records.push(...(page.Records ?? []));
    ShardIterator = page.NextShardIterator;
    if (!page.Records?.length) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return records;
}

describe('concurrent writers', () => {
  it('never lose, duplicate or reorder the stream records of an item', async () => {
    // Prepare
    const keys = Array.from({ length: ITEMS }, (_, index) => `item-${index}`);
    const expectedWrites = CLIENTS * ITEMS * UPDATES_PER_CLIENT_AND_ITEM + CLIENTS * TRANSACTIONS_PER_CLIENT * 2;
    const reader = follow(expectedWrites);

    // Act: every client updates every item, and runs transactions over pairs of items.
    await Promise.all(
      clients.map((client, clientIndex) => {
        const writes: Promise<unknown>[] = [];
        for (let round = 0; round < UPDATES_PER_CLIENT_AND_ITEM; round += 1) {
          for (const pk of keys) writes.push(client.send(new UpdateItemCommand(increment(pk))));
        }
        for (let round = 0; round < TRANSACTIONS_PER_CLIENT; round += 1) {
          const first = keys[(clientIndex + round) % ITEMS]!;
          const second = keys[(clientIndex + round + 1 + (round % (ITEMS - 1))) % ITEMS]!;
          writes.push(
            client.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: increment(first) }, { Update: increment(second) }] })),
          );
        }
        return Promise.all(writes);
      }),
    );
    const [concurrent, after] = [await reader, await follow(expectedWrites)];

    // Assess
    expect(after).toHaveLength(expectedWrites);
    // The reader that ran during the writes saw exactly the same sequence.
    expect(concurrent.map((record) => record.dynamodb?.SequenceNumber)).toEqual(after.map((record) => record.dynamodb?.SequenceNumber));
    const sequenceNumbers = after.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
    for (let index = 1; index < sequenceNumbers.length; index += 1)
      expect(sequenceNumbers[index]! > sequenceNumbers[index - 1]!).toBe(true);
    let total = 0;
    for (const pk of keys) {
      const ofItem = after.filter((record) => record.dynamodb?.Keys?.pk?.S === pk);
      const counters = ofItem.map((record) => Number(record.dynamodb?.NewImage?.n?.N));
      expect(counters).toEqual(Array.from({ length: ofItem.length }, (_, index) => index + 1));
      expect(ofItem.map((record) => record.dynamodb?.OldImage?.n?.N)).toEqual([undefined, ...counters.slice(0, -1).map(String)]);
      expect(ofItem.map((record) => record.eventName)).toEqual(['INSERT', ...Array<string>(ofItem.length - 1).fill('MODIFY')]);
      const { Item } = await clients[0]!.send(new GetItemCommand({ TableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
      expect(Item?.n?.N).toBe(String(ofItem.length));
      total += ofItem.length;
    }
    expect(total).toBe(expectedWrites);
  });
});
