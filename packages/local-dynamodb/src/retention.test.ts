// Time-bound behaviour, with the engine's clock moved by the test: iterators expire after
// 15 minutes, stream records and disabled streams are kept 24 hours (then
// TrimmedDataAccessException), and a ClientRequestToken is remembered for 10 minutes.
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { failure, readStream } from '../test/conformance/target.js';
import { startLocalDynamoDB } from './server.js';
import type { LocalDynamoDB } from './server.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let now: number;
let db: LocalDynamoDB;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let StreamArn: string;
let ShardId: string;

beforeEach(async () => {
  now = Date.UTC(2030, 0, 1);
  db = await startLocalDynamoDB({ port: 0, now: () => now, ttlSweepIntervalMs: 0 });
  const config = { endpoint: db.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  client = new DynamoDBClient(config);
  streams = new DynamoDBStreamsClient(config);
  const { TableDescription } = await client.send(
    new CreateTableCommand({
      TableName: 'timed',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
    }),
  );
  StreamArn = TableDescription!.LatestStreamArn!;
  ShardId = (await streams.send(new DescribeStreamCommand({ StreamArn }))).StreamDescription!.Shards![0]!.ShardId!;
});

afterEach(async () => {
  client.destroy();
  streams.destroy();
  await db.stop();
});

const put = (pk: string) => client.send(new PutItemCommand({ TableName: 'timed', Item: { pk: { S: pk } } }));
const iterator = async (ShardIteratorType: 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER', SequenceNumber?: string) =>
  (await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }))).ShardIterator;

describe('shard iterators', () => {
  it('work for 15 minutes, then GetRecords answers ExpiredIteratorException', async () => {
    // Prepare
    const ShardIterator = await iterator('TRIM_HORIZON');

    // Act
    now += 15 * MINUTE;
    const inTime = await streams.send(new GetRecordsCommand({ ShardIterator }));
    now += 1;
    const expired = await failure(streams.send(new GetRecordsCommand({ ShardIterator })));

    // Assess
    expect(inTime.Records).toEqual([]);
    expect(expired.name).toBe('ExpiredIteratorException');
  });
});

describe('stream retention', () => {
  it('trims records older than 24 hours: TRIM_HORIZON starts after them, and reading them is TrimmedDataAccessException', async () => {
    // Prepare
    await put('old');
    const [oldRecord] = await readStream(streams, StreamArn);
    now += 23 * HOUR;
    await put('young');
    now += HOUR - MINUTE;
    const before = await iterator('TRIM_HORIZON'); // still points at the old record

    // Act
    now += 2 * MINUTE;
    await db.sweep();

    // Assess
    expect((await readStream(streams, StreamArn)).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['young']);
    expect((await failure(iterator('AT_SEQUENCE_NUMBER', oldRecord!.dynamodb!.SequenceNumber))).name).toBe('TrimmedDataAccessException');
    expect((await failure(streams.send(new GetRecordsCommand({ ShardIterator: before })))).name).toBe('TrimmedDataAccessException');
  });

  it('removes a disabled stream 24 hours after it was disabled', async () => {
    // Prepare
    await client.send(new UpdateTableCommand({ TableName: 'timed', StreamSpecification: { StreamEnabled: false } }));
    now += 23 * HOUR;
    await db.sweep();
    const kept = (await streams.send(new ListStreamsCommand({}))).Streams?.map((stream) => stream.StreamArn);

    // Act
    now += 2 * HOUR;
    await db.sweep();

    // Assess
    expect(kept).toEqual([StreamArn]);
    expect((await streams.send(new ListStreamsCommand({}))).Streams).toEqual([]);
    expect((await failure(streams.send(new DescribeStreamCommand({ StreamArn })))).name).toBe('ResourceNotFoundException');
  });
});

describe('ClientRequestToken', () => {
  it('is forgotten after 10 minutes', async () => {
    // Prepare
    const transaction = (pk: string) =>
      new TransactWriteItemsCommand({
        ClientRequestToken: 'token-1',
        TransactItems: [{ Put: { TableName: 'timed', Item: { pk: { S: pk } } } }],
      });
    await client.send(transaction('first'));
    const within = await failure(client.send(transaction('second')));

    // Act
    now += 10 * MINUTE + 1;
    const after = await client.send(transaction('second'));

    // Assess
    expect(within.name).toBe('IdempotentParameterMismatchException');
    expect(after.$metadata.httpStatusCode).toBe(200);
  });
});
