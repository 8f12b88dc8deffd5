// DynamoDB Streams, from the API reference (ListStreams, DescribeStream,
// GetShardIterator, GetRecords, StreamRecord) and the developer guide ("Change data
// capture for DynamoDB Streams"): record shapes per write path and per StreamViewType,
// iterator types, and the documented errors.
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { StreamViewType } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { eventually } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  failure,
  firstShard,
  readStream,
  recordWait,
  recordsOf,
  region,
  startTarget,
  streamSpecification,
  suiteTimeout,
  waitForTable,
} from './target.js';
import type { Target } from './target.js';

jest.setTimeout(suiteTimeout);

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.stop();
});

const STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/[\w.-]+\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;

describe('CreateTable and DescribeTable with a StreamSpecification', () => {
  it('report the stream: StreamSpecification, LatestStreamArn and LatestStreamLabel', async () => {
    // Act
    const created = await target.createTable('streams-describe', streamSpecification('NEW_AND_OLD_IMAGES'));
    const { Table } = await target.dynamodb.send(new DescribeTableCommand({ TableName: created.TableName }));

    // Assess
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(Table?.LatestStreamArn).toMatch(STREAM_ARN);
    expect(Table?.LatestStreamArn).toBe(`${Table?.TableArn}/stream/${Table?.LatestStreamLabel}`);
  });

  it('report no stream for a table created without one', async () => {
    // Act
    const table = await target.createTable('streams-none');

    // Assess
    expect(table.StreamSpecification).toBeUndefined();
    expect(table.LatestStreamArn).toBeUndefined();
  });
});

describe('ListStreams and DescribeStream', () => {
  it('list the stream of a table and describe it with one shard and a numeric starting sequence number', async () => {
    // Prepare
    const table = await target.createTable('streams-list', streamSpecification('KEYS_ONLY'));

    // Act
    const { Streams } = await target.streams.send(new ListStreamsCommand({ TableName: table.TableName }));
    const { StreamDescription } = await target.streams.send(new DescribeStreamCommand({ StreamArn: table.LatestStreamArn }));

    // Assess
    expect(Streams).toEqual([{ StreamArn: table.LatestStreamArn, TableName: table.TableName, StreamLabel: table.LatestStreamLabel }]);
    expect(StreamDescription).toMatchObject({
      StreamArn: table.LatestStreamArn,
      StreamLabel: table.LatestStreamLabel,
      StreamViewType: 'KEYS_ONLY',
      TableName: table.TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    });
    expect(['ENABLING', 'ENABLED']).toContain(StreamDescription?.StreamStatus);
    expect(StreamDescription?.CreationRequestDateTime).toBeInstanceOf(Date);
    expect(StreamDescription?.Shards?.[0]?.ShardId).toMatch(/^shardId-/);
    expect(StreamDescription?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d{21,40}$/);
  });

  it('page with Limit and ExclusiveStartStreamArn', async () => {
    // Prepare
    const tables = [
      await target.createTable('streams-page', streamSpecification('KEYS_ONLY')),
      await target.createTable('streams-page', streamSpecification('KEYS_ONLY')),
    ];
    const wanted = new Set(tables.map((table) => table.LatestStreamArn));

    // Act
    const seen: string[] = [];
    let ExclusiveStartStreamArn: string | undefined;
    let pages = 0;
    do {
      const page = await target.streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn }));
      pages += 1;
      expect(page.Streams?.length ?? 0).toBeLessThanOrEqual(1);
      seen.push(...(page.Streams ?? []).map((stream) => stream.StreamArn!));
      ExclusiveStartStreamArn = page.LastEvaluatedStreamArn;
    } while (ExclusiveStartStreamArn && [...wanted].some((arn) => !seen.includes(arn!)));

    // Assess
    expect(pages).toBeGreaterThanOrEqual(2);
    for (const arn of wanted) expect(seen.filter((item) => item === arn)).toHaveLength(1);
  });

  it('answer ResourceNotFoundException for a stream that does not exist and ValidationException for a malformed ARN', async () => {
    // Prepare
    const table = await target.createTable('streams-missing', streamSpecification('KEYS_ONLY'));
    const missing = table.LatestStreamArn!.replace(/\/stream\/.*$/, '/stream/2000-01-01T00:00:00.000');

    // Act
    const notFound = await failure(target.streams.send(new DescribeStreamCommand({ StreamArn: missing })));
    const malformed = await failure(
      target.streams.send(new DescribeStreamCommand({ StreamArn: 'this-is-not-a-stream-arn-but-is-long-enough' })),
    );

    // Assess
    expect(notFound.name).toBe('ResourceNotFoundException');
    expect(malformed.name).toBe('ValidationException');
  });
});

describe('stream records', () => {
  it('are written for every item-level change, in order, shaped as the StreamRecord reference says', async () => {
    // Prepare
    const table = await target.createTable('streams-paths', streamSpecification('NEW_AND_OLD_IMAGES'));
    const TableName = table.TableName;

    // Act: one change per write path, and writes that change nothing.
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } })); // identical: no record
    await target.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': { N: '1' } },
      }),
    ); // no change
    await target.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'a' } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    await failure(
      target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' })),
    ); // no record
    await target.dynamodb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'nobody' } } })); // deletes nothing: no record
    await target.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: { [TableName]: [{ PutRequest: { Item: { pk: { S: 'b' } } } }, { DeleteRequest: { Key: { pk: { S: 'a' } } } }] },
      }),
    );
    await target.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: { S: 'c' }, s: { SS: ['x', 'y'] } } } },
          {
            Update: {
              TableName,
              Key: { pk: { S: 'b' } },
              UpdateExpression: 'SET m = :m',
              ExpressionAttributeValues: { ':m': { M: { k: { BOOL: true } } } },
            },
          },
        ],
      }),
    );
    await target.dynamodb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'c' } } }));
    const records = await recordsOf(target.streams, table.LatestStreamArn!, 7);

    // Assess
    const summary = records.map((record) => [
      record.eventName,
      record.dynamodb?.Keys?.pk?.S,
      record.dynamodb?.OldImage,
      record.dynamodb?.NewImage,
    ]);
    expect(summary).toHaveLength(7);
    expect(summary[0]).toEqual(['INSERT', 'a', undefined, { pk: { S: 'a' }, n: { N: '1' } }]);
    expect(summary[1]).toEqual(['MODIFY', 'a', { pk: { S: 'a' }, n: { N: '1' } }, { pk: { S: 'a' }, n: { N: '2' } }]);
    // The changes of one BatchWriteItem, or of one transaction, are to different items:
    // DynamoDB orders records per item only.
    expect(summary.slice(2, 4)).toEqual(
      expect.arrayContaining([
        ['INSERT', 'b', undefined, { pk: { S: 'b' } }],
        ['REMOVE', 'a', { pk: { S: 'a' }, n: { N: '2' } }, undefined],
      ]),
    );
    expect(summary.slice(4, 6)).toEqual(
      expect.arrayContaining([
        ['INSERT', 'c', undefined, { pk: { S: 'c' }, s: { SS: ['x', 'y'] } }],
        ['MODIFY', 'b', { pk: { S: 'b' } }, { pk: { S: 'b' }, m: { M: { k: { BOOL: true } } } }],
      ]),
    );
    expect(summary[6]).toEqual(['REMOVE', 'c', { pk: { S: 'c' }, s: { SS: ['x', 'y'] } }, undefined]);
    for (const record of records) {
      expect(record).toMatchObject({ eventVersion: '1.1', eventSource: 'aws:dynamodb', awsRegion: region });
      expect(record.eventID).toMatch(/^\w+$/);
      expect(record.userIdentity).toBeUndefined();
      expect(record.dynamodb?.ApproximateCreationDateTime).toBeInstanceOf(Date);
      expect(record.dynamodb?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(record.dynamodb?.SizeBytes).toBeGreaterThan(0);
      expect(record.dynamodb?.SequenceNumber).toMatch(/^\d{21,40}$/);
    }
    const sequenceNumbers = records.map((record) => BigInt(record.dynamodb!.SequenceNumber!));
    expect(sequenceNumbers).toEqual([...sequenceNumbers].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(sequenceNumbers).size).toBe(records.length);
  });

  it.each<[StreamViewType, boolean, boolean]>([
    ['KEYS_ONLY', false, false],
    ['NEW_IMAGE', true, false],
    ['OLD_IMAGE', false, true],
    ['NEW_AND_OLD_IMAGES', true, true],
  ])('carry the images a %s stream asks for', async (viewType, hasNew, hasOld) => {
    // Prepare
    const table = await target.createTable('streams-view', streamSpecification(viewType));
    const TableName = table.TableName;

    // Act
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'k' }, v: { S: 'old' } } }));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'k' }, v: { S: 'new' } } }));
    await target.dynamodb.send(new DeleteItemCommand({ TableName, Key: { pk: { S: 'k' } } }));
    const records = await recordsOf(target.streams, table.LatestStreamArn!, 3);

    // Assess
    const oldItem = { pk: { S: 'k' }, v: { S: 'old' } };
    const newItem = { pk: { S: 'k' }, v: { S: 'new' } };
    const images = records.map(({ dynamodb }) => ({
      Keys: dynamodb?.Keys,
      NewImage: dynamodb?.NewImage,
      OldImage: dynamodb?.OldImage,
      StreamViewType: dynamodb?.StreamViewType,
    }));
    expect(images).toEqual([
      { Keys: { pk: { S: 'k' } }, NewImage: hasNew ? oldItem : undefined, OldImage: undefined, StreamViewType: viewType },
      {
        Keys: { pk: { S: 'k' } },
        NewImage: hasNew ? newItem : undefined,
        OldImage: hasOld ? oldItem : undefined,
        StreamViewType: viewType,
      },
      { Keys: { pk: { S: 'k' } }, NewImage: undefined, OldImage: hasOld ? newItem : undefined, StreamViewType: viewType },
    ]);
    // toEqual ignores undefined members: check that absent images are absent from the wire.
    expect(records.every(({ dynamodb }) => 'NewImage' in dynamodb! === (hasNew && !!dynamodb!.NewImage))).toBe(true);
    expect(records.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
  });
});

describe('GetShardIterator and GetRecords', () => {
  async function streamWithThreeRecords(): Promise<{ StreamArn: string; ShardId: string; sequenceNumbers: string[] }> {
    const table = await target.createTable('streams-iterators', streamSpecification('KEYS_ONLY'));
    for (const pk of ['1', '2', '3'])
      await target.dynamodb.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: pk } } }));
    const records = await recordsOf(target.streams, table.LatestStreamArn!, 3);
    const { ShardId } = await firstShard(target.streams, table.LatestStreamArn!);
    return {
      StreamArn: table.LatestStreamArn!,
      ShardId: ShardId!,
      sequenceNumbers: records.map((record) => record.dynamodb!.SequenceNumber!),
    };
  }

  async function keysFrom(
    StreamArn: string,
    ShardId: string,
    ShardIteratorType: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
    SequenceNumber?: string,
  ) {
    const { ShardIterator } = await target.streams.send(
      new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType, SequenceNumber }),
    );
    const { Records, NextShardIterator } = await target.streams.send(new GetRecordsCommand({ ShardIterator }));
    return { keys: Records?.map((record) => record.dynamodb?.Keys?.pk?.S), NextShardIterator };
  }

  it('start where each ShardIteratorType says', async () => {
    // Prepare
    const { StreamArn, ShardId, sequenceNumbers } = await streamWithThreeRecords();

    // Act
    const trimHorizon = await keysFrom(StreamArn, ShardId, 'TRIM_HORIZON');
    const latest = await keysFrom(StreamArn, ShardId, 'LATEST');
    const at = await keysFrom(StreamArn, ShardId, 'AT_SEQUENCE_NUMBER', sequenceNumbers[1]);
    const after = await keysFrom(StreamArn, ShardId, 'AFTER_SEQUENCE_NUMBER', sequenceNumbers[1]);

    // Assess
    expect(trimHorizon.keys).toEqual(['1', '2', '3']);
    expect(latest.keys).toEqual([]);
    expect(latest.NextShardIterator).toBeTruthy();
    expect(at.keys).toEqual(['2', '3']);
    expect(after.keys).toEqual(['3']);
  });

  it('return at most Limit records and a NextShardIterator that continues after them', async () => {
    // Prepare
    const { StreamArn, ShardId } = await streamWithThreeRecords();
    const { ShardIterator } = await target.streams.send(
      new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );

    // Act
    const first = await target.streams.send(new GetRecordsCommand({ ShardIterator, Limit: 2 }));
    const second = await target.streams.send(new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 2 }));
    const third = await target.streams.send(new GetRecordsCommand({ ShardIterator: second.NextShardIterator }));

    // Assess
    expect(first.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['1', '2']);
    expect(second.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['3']);
    expect(third.Records).toEqual([]);
    expect(third.NextShardIterator).toBeTruthy();
  });

  it('see a write made after a LATEST iterator was taken', async () => {
    // Prepare
    const table = await target.createTable('streams-latest', streamSpecification('NEW_IMAGE'));
    const { ShardId } = await firstShard(target.streams, table.LatestStreamArn!);
    const { ShardIterator } = await target.streams.send(
      new GetShardIteratorCommand({ StreamArn: table.LatestStreamArn, ShardId, ShardIteratorType: 'LATEST' }),
    );

    // Act
    await target.dynamodb.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: 'after' } } }));
    const records = await eventually(async () => {
      const { Records } = await target.streams.send(new GetRecordsCommand({ ShardIterator }));
      if (!Records?.length) throw new Error('no record yet');
      return Records;
    }, recordWait);

    // Assess
    expect(records.map((record) => record.dynamodb?.NewImage)).toEqual([{ pk: { S: 'after' } }]);
  });

  it('reject bad arguments with the documented errors', async () => {
    // Prepare
    const { StreamArn, ShardId, sequenceNumbers } = await streamWithThreeRecords();
    const { ShardIterator } = await target.streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'LATEST' }));

    // Act
    const errors = {
      unknownShard: await failure(
        target.streams.send(
          new GetShardIteratorCommand({ StreamArn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' }),
        ),
      ),
      atWithoutNumber: await failure(
        target.streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER' })),
      ),
      latestWithNumber: await failure(
        target.streams.send(
          new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'LATEST', SequenceNumber: sequenceNumbers[0] }),
        ),
      ),
      // The SDK passes enum values through as strings.
      badType: await failure(
        target.streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'SOMEWHERE' as 'LATEST' })),
      ),
      badIterator: await failure(target.streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator-at-all' }))),
      limitTooHigh: await failure(target.streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1001 }))),
      limitZero: await failure(target.streams.send(new GetRecordsCommand({ ShardIterator, Limit: 0 }))),
    };

    // Assess
    expect(Object.fromEntries(Object.entries(errors).map(([name, error]) => [name, error.name]))).toEqual({
      unknownShard: 'ResourceNotFoundException',
      atWithoutNumber: 'ValidationException',
      latestWithNumber: 'ValidationException',
      badType: 'ValidationException',
      badIterator: 'ValidationException',
      limitTooHigh: 'ValidationException',
      limitZero: 'ValidationException',
    });
    expect(errors.limitTooHigh.message).toBe(
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    expect(errors.limitZero.message).toBe(
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });
});

describe('disabling and re-enabling a stream', () => {
  it('closes the old stream, keeps it readable, and makes a new one', async () => {
    // Prepare
    const table = await target.createTable('streams-cycle', streamSpecification('NEW_IMAGE'));
    const TableName = table.TableName;
    const first = table.LatestStreamArn!;
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'before' } } }));
    await recordsOf(target.streams, first, 1);

    // Act
    const disabled = await target.dynamodb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } }));
    const afterDisable = await waitForTable(target.dynamodb, TableName);
    const again = await failure(target.dynamodb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: false } })));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'unrecorded' } } }));
    const reenabled = await target.dynamodb.send(
      new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
    );
    await waitForTable(target.dynamodb, TableName);
    const twice = await failure(
      target.dynamodb.send(
        new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
      ),
    );
    const second = reenabled.TableDescription!.LatestStreamArn!;
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: { S: 'after' } } }));

    // Assess
    expect(disabled.TableDescription?.LatestStreamArn).toBe(first);
    expect(afterDisable?.StreamSpecification).toBeUndefined();
    expect(afterDisable?.LatestStreamArn).toBe(first);
    expect(again.name).toBe('ValidationException');
    expect(twice.name).toBe('ValidationException');
    expect(twice.message).toMatch(/already has an enabled stream/);
    expect(second).not.toBe(first);
    expect(reenabled.TableDescription?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    const old = await eventually(async () => {
      const { StreamDescription } = await target.streams.send(new DescribeStreamCommand({ StreamArn: first }));
      if (StreamDescription?.StreamStatus !== 'DISABLED') throw new Error(`still ${StreamDescription?.StreamStatus}`);
      return StreamDescription;
    }, recordWait);
    expect(old.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toMatch(/^\d+$/);
    expect((await readStream(target.streams, first)).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['before']);
    expect((await recordsOf(target.streams, second, 1)).map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['after']);
    const { Streams } = await target.streams.send(new ListStreamsCommand({ TableName }));
    expect(Streams?.map((stream) => stream.StreamArn).sort()).toEqual([first, second].sort());
  });

  it('ends the closed shard: once read to the end, GetRecords gives no NextShardIterator', async () => {
    // Prepare
    const table = await target.createTable('streams-closed', streamSpecification('KEYS_ONLY'));
    await target.dynamodb.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: 'only' } } }));
    await recordsOf(target.streams, table.LatestStreamArn!, 1);
    await target.dynamodb.send(new UpdateTableCommand({ TableName: table.TableName, StreamSpecification: { StreamEnabled: false } }));
    await waitForTable(target.dynamodb, table.TableName);
    const { ShardId } = await firstShard(target.streams, table.LatestStreamArn!);
    const { ShardIterator } = await target.streams.send(
      new GetShardIteratorCommand({ StreamArn: table.LatestStreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );

    // Act
    const page = await eventually(async () => {
      const result = await target.streams.send(new GetRecordsCommand({ ShardIterator }));
      if (result.NextShardIterator) throw new Error('shard not closed yet');
      return result;
    }, recordWait);

    // Assess
    expect(page.Records?.map((record) => record.dynamodb?.Keys?.pk?.S)).toEqual(['only']);
  });

  it('DeleteTable leaves the stream listed, DISABLED, for its retention period', async () => {
    // Prepare
    const table = await target.createTable('streams-deleted', streamSpecification('KEYS_ONLY'));

    // Act
    await target.dynamodb.send(new DeleteTableCommand({ TableName: table.TableName }));

    // Assess
    const status = await eventually(async () => {
      const { StreamDescription } = await target.streams.send(new DescribeStreamCommand({ StreamArn: table.LatestStreamArn }));
      if (StreamDescription?.StreamStatus !== 'DISABLED') throw new Error(`still ${StreamDescription?.StreamStatus}`);
      return StreamDescription.StreamStatus;
    }, recordWait);
    expect(status).toBe('DISABLED');
    const { Streams } = await target.streams.send(new ListStreamsCommand({}));
    expect(Streams?.map((stream) => stream.StreamArn)).toContain(table.LatestStreamArn);
  });
});
