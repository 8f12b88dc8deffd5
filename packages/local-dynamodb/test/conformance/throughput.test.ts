// Throughput: what requests consume, and what DynamoDB answers when a partition key is hot.
//
// The first part runs on the suite's target (the embedded engine with DynamoDB's own
// ceilings, or CONFORMANCE_ENDPOINT) and asserts the units of "DynamoDB read and write
// operations" (read-write-operations.html) and of the GSI pages, as ReturnConsumedCapacity
// reports them.
//
// The cases named [engine-specific] need what only the embedded engine can be given: a
// clock the test moves (so that "faster than 1,000 WCU/s" is exact, not timed) and budgets
// small enough to reach in a few requests. They run on an engine of their own, even when
// the suite is pointed elsewhere, and assert the answers the AWS documentation gives for a
// hot partition: ThrottlingException on an on-demand table and
// ProvisionedThroughputExceededException on a provisioned one, each with its throttling
// reasons (throttling-diagnosing-workflow.html, API_ThrottlingReason.html), unprocessed
// items for batches (API_BatchWriteItem.html, API_BatchGetItem.html), ThrottlingError
// cancellation reasons for transactions (API_TransactWriteItems.html).
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { failure, startEngineWithLimits, startTarget, suiteTimeout } from './target.js';
import type { EngineWithLimits, Target } from './target.js';

jest.setTimeout(suiteTimeout);

const KB = 1024;
const S = (value: string): AttributeValue => ({ S: value });
/** An item of exactly `bytes` (attribute names and values, as DynamoDB sizes items). */
function itemOf(bytes: number, pk: string, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> {
  const base = { pk: S(pk), ...extra };
  const used = Object.entries(base).reduce((sum, [name, value]) => sum + name.length + (value.S?.length ?? 0), 0);
  return { ...base, body: S('x'.repeat(bytes - used - 'body'.length)) };
}

const withIndex: Partial<CreateTableCommandInput> = {
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'g', AttributeType: 'S' },
  ],
  GlobalSecondaryIndexes: [
    { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
  ],
};

describe('capacity units, as ReturnConsumedCapacity reports them', () => {
  let target: Target;
  let TableName: string;
  beforeAll(async () => {
    target = await startTarget();
    ({ TableName } = await target.createTable('capacity', withIndex));
  });
  afterAll(async () => {
    await target?.stop();
  });

  it.each([
    ['500 bytes', 500, 1],
    ['1.5 KB', 1.5 * KB, 2],
    ['4 KB', 4 * KB, 4],
  ])('a PutItem of %s consumes its size in 1 KB write units', async (_name, bytes, units) => {
    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new PutItemCommand({ TableName, Item: itemOf(bytes, `put-${bytes}`), ReturnConsumedCapacity: 'TOTAL' }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({ TableName, CapacityUnits: units });
  });

  it('an UpdateItem consumes the larger of the item before and after', async () => {
    // Prepare
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(3 * KB, 'shrinking') }));

    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new UpdateItemCommand({ TableName, Key: { pk: S('shrinking') }, UpdateExpression: 'REMOVE body', ReturnConsumedCapacity: 'TOTAL' }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({ CapacityUnits: 3 });
  });

  it.each([
    ['strongly consistent', true, 2],
    ['eventually consistent', false, 1],
  ])('a %s GetItem of a 6 KB item consumes its size in 4 KB read units', async (_name, ConsistentRead, units) => {
    // Prepare
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(6 * KB, 'six') }));

    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new GetItemCommand({ TableName, Key: { pk: S('six') }, ConsistentRead, ReturnConsumedCapacity: 'TOTAL' }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({ CapacityUnits: units });
  });

  it('a BatchGetItem rounds each item up to 4 KB before adding them up', async () => {
    // Prepare: 1.5 KB + 6.5 KB are read as 4 KB + 8 KB, three units (the guide's example)
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(1.5 * KB, 'small') }));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(6.5 * KB, 'large') }));

    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: { [TableName]: { Keys: [{ pk: S('small') }, { pk: S('large') }], ConsistentRead: true } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    // Assess
    expect(ConsumedCapacity).toEqual([expect.objectContaining({ TableName, CapacityUnits: 3 })]);
  });

  it('a BatchWriteItem rounds each item up to 1 KB before adding them up, per table', async () => {
    // Act: 500 bytes and 3.5 KB are written as 1 KB + 4 KB, five units (the guide's example)
    const { ConsumedCapacity } = await target.dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TableName]: [{ PutRequest: { Item: itemOf(500, 'batch-small') } }, { PutRequest: { Item: itemOf(3.5 * KB, 'batch-large') } }],
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    // Assess
    expect(ConsumedCapacity).toEqual([expect.objectContaining({ TableName, CapacityUnits: 5 })]);
  });

  it('a transactional write of an item up to 1 KB consumes two write units', async () => {
    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName, Item: itemOf(500, 'tx-one') } }, { Put: { TableName, Item: itemOf(500, 'tx-two') } }],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );

    // Assess
    expect(ConsumedCapacity).toEqual([expect.objectContaining({ TableName, CapacityUnits: 4 })]);
  });

  it('a write that puts an item into a global secondary index also consumes in the index', async () => {
    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: S('indexed'), g: S('a') }, ReturnConsumedCapacity: 'INDEXES' }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({
      TableName,
      CapacityUnits: 2,
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { byG: { CapacityUnits: 1 } },
    });
  });

  it('an update that changes an index key costs two index writes: a delete and a put', async () => {
    // Prepare
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { pk: S('moving'), g: S('a') } }));

    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: S('moving') },
        UpdateExpression: 'SET g = :b',
        ExpressionAttributeValues: { ':b': S('b') },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({
      CapacityUnits: 3,
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } },
    });
  });

  it('a write that leaves the item out of every index consumes nothing in them', async () => {
    // Act
    const { ConsumedCapacity } = await target.dynamodb.send(
      new PutItemCommand({ TableName, Item: { pk: S('unindexed') }, ReturnConsumedCapacity: 'INDEXES' }),
    );

    // Assess
    expect(ConsumedCapacity).toMatchObject({ CapacityUnits: 1, Table: { CapacityUnits: 1 } });
    expect(ConsumedCapacity?.GlobalSecondaryIndexes?.byG).toBeUndefined();
  });
});

type Throttled = EngineWithLimits;

/** Sends `count` requests, one every `intervalMs` of the engine's clock; how many were throttled. */
async function paced(engine: Throttled, count: number, intervalMs: number, send: (index: number) => Promise<unknown>): Promise<number> {
  let throttled = 0;
  for (let index = 0; index < count; index += 1) {
    try {
      await send(index);
    } catch (error) {
      if ((error as Error).name !== 'ThrottlingException') throw error;
      throttled += 1;
    }
    engine.advance(intervalMs);
  }
  return throttled;
}

const ON_DEMAND_MESSAGE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';

describe('[engine-specific] DynamoDB partition ceilings (1,000 WCU/s, 3,000 RCU/s per partition key), on a clock the test moves', () => {
  let engine: Throttled;
  const TableName = 'ceilings';
  beforeAll(async () => {
    engine = await startEngineWithLimits();
    await engine.createTable(TableName);
  });
  afterEach(() => {
    // Each case starts with full budgets, a second later than the last.
    engine.db.throughput!.reset();
    engine.advance(1_000);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const put4KB = (pk: string) => engine.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(4 * KB, pk) }));

  it('throttles 4 KB writes to one partition key at 4,000 WCU/s with ThrottlingException and its reason', async () => {
    // Prepare: 4 WCU each, one every millisecond of the engine's clock: 4,000 WCU/s for 0.75 seconds
    let first: (Error & { throttlingReasons?: unknown; $metadata?: { httpStatusCode?: number } }) | undefined;

    // Act
    const throttled = await paced(engine, 750, 1, () =>
      put4KB('hot').catch((error: Error) => {
        first ??= error;
        throw error;
      }),
    );
    const [table] = engine.db.throughput!.stats().resources;

    // Assess: what DynamoDB answers a hot partition of an on-demand table, and no more
    // admitted than the ceiling allows (one second of burst, then 1,000 WCU/s)
    expect(throttled).toBeGreaterThan(0);
    expect(first?.name).toBe('ThrottlingException');
    expect(first?.message).toBe(ON_DEMAND_MESSAGE);
    expect(first?.$metadata?.httpStatusCode).toBe(400);
    expect(first?.throttlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: engine.tableArn(TableName) }]);
    expect(table!.consumedWriteCapacityUnits).toBeLessThanOrEqual(1_000 + 0.75 * 1_000);
  });

  it('admits 4 KB writes to one partition key at 1,000 WCU/s, the ceiling itself', async () => {
    // Act: one every 4 ms, 3 seconds long
    const throttled = await paced(engine, 750, 4, () => put4KB('steady'));

    // Assess
    expect(throttled).toBe(0);
  });

  it('admits the same 4,000 WCU/s of 4 KB writes spread over many partition keys', async () => {
    // Act: 50 keys, 80 WCU/s each
    const throttled = await paced(engine, 750, 1, (index) => put4KB(`key-${index % 50}`));

    // Assess
    expect(throttled).toBe(0);
  });

  it('throttles strongly consistent reads of one partition key past 3,000 RCU/s, and admits eventually consistent ones, half the units', async () => {
    // Prepare: 600 reads a second, for 1.2 seconds, of a 40 KB item: 10 RCU each, 5 when
    // eventually consistent, so 6,000 RCU/s or 3,000 RCU/s
    await engine.dynamodb.send(new PutItemCommand({ TableName, Item: itemOf(40 * KB, 'read-me') }));
    const get = (ConsistentRead: boolean) => () =>
      engine.dynamodb.send(new GetItemCommand({ TableName, Key: { pk: S('read-me') }, ConsistentRead }));

    // Act
    const strong = await paced(engine, 720, 1_000 / 600, get(true));
    engine.db.throughput!.reset();
    const eventual = await paced(engine, 720, 1_000 / 600, get(false));

    // Assess
    expect(strong).toBeGreaterThan(0);
    expect(eventual).toBe(0);
  });

  it('refills a partition key one second after it was used up', async () => {
    // Prepare: 250 writes of 4 KB at once use up the second's 1,000 WCU
    for (let index = 0; index < 250; index += 1) await put4KB('refilled');
    const refused = await failure(put4KB('refilled'));

    // Act
    engine.advance(1_000);
    const after = await put4KB('refilled');

    // Assess
    expect(refused.name).toBe('ThrottlingException');
    expect(after.$metadata.httpStatusCode).toBe(200);
  });
});

describe('[engine-specific] throttling answers, with budgets of 10 units per second per partition key', () => {
  let engine: Throttled;
  beforeAll(async () => {
    engine = await startEngineWithLimits({ partitionReadUnitsPerSecond: 10, partitionWriteUnitsPerSecond: 10 });
    await engine.createTable('answers', withIndex);
    await engine.createTable('provisioned', {
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 },
    });
  });
  afterEach(() => {
    engine.db.throughput!.reset();
    engine.advance(1_000);
  });
  afterAll(async () => {
    await engine?.stop();
  });

  const put = (TableName: string, Item: Record<string, AttributeValue>) => engine.dynamodb.send(new PutItemCommand({ TableName, Item }));
  async function useUp(TableName: string, pk: string): Promise<void> {
    for (let index = 0; index < 10; index += 1) await put(TableName, { pk: S(pk), n: { N: String(index) } });
  }

  it('answers a hot partition of a provisioned table with ProvisionedThroughputExceededException and its reason', async () => {
    // Prepare
    await useUp('provisioned', 'hot');

    // Act
    const error = await failure(put('provisioned', { pk: S('hot') }));

    // Assess
    expect(error.name).toBe('ProvisionedThroughputExceededException');
    expect(error.message).toBe(
      'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
    );
    expect(error.ThrottlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: engine.tableArn('provisioned') }]);
  });

  it('throttles writes to one index partition key, whatever their table keys, with the index reason and ARN', async () => {
    // Prepare: ten items of their own, one index key
    for (let index = 0; index < 10; index += 1) await put('answers', { pk: S(`item-${index}`), g: S('popular') });

    // Act
    const error = await failure(put('answers', { pk: S('item-10'), g: S('popular') }));

    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe(
      'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.',
    );
    expect(error.throttlingReasons).toEqual([
      { reason: 'IndexWriteKeyRangeThroughputExceeded', resource: `${engine.tableArn('answers')}/index/byG` },
    ]);
  });

  it('throttles a Query of a hot index partition key with the index read reason', async () => {
    // Prepare: 20 eventually consistent queries of 0.5 RCU use up 10 RCU
    await put('answers', { pk: S('queried'), g: S('read-hot') });
    const query = () =>
      engine.dynamodb.send(
        new QueryCommand({
          TableName: 'answers',
          IndexName: 'byG',
          KeyConditionExpression: 'g = :g',
          ExpressionAttributeValues: { ':g': S('read-hot') },
        }),
      );
    for (let index = 0; index < 20; index += 1) await query();

    // Act
    const error = await failure(query());

    // Assess
    expect(error.throttlingReasons).toEqual([
      { reason: 'IndexReadKeyRangeThroughputExceeded', resource: `${engine.tableArn('answers')}/index/byG` },
    ]);
  });

  it('counts a write whose condition fails: it consumes capacity and can be throttled', async () => {
    // Prepare: ten failing conditional writes use up the key's 10 WCU
    const conditional = () =>
      engine.dynamodb.send(
        new PutItemCommand({ TableName: 'answers', Item: { pk: S('guarded') }, ConditionExpression: 'attribute_exists(pk)' }),
      );
    for (let index = 0; index < 10; index += 1) expect((await failure(conditional())).name).toBe('ConditionalCheckFailedException');

    // Act
    const error = await failure(conditional());

    // Assess
    expect(error.name).toBe('ThrottlingException');
  });

  it('returns the throttled writes of a BatchWriteItem in UnprocessedItems and writes the others', async () => {
    // Prepare
    await useUp('answers', 'batch-hot');
    const hot = { PutRequest: { Item: { pk: S('batch-hot'), n: { N: '99' } } } };
    const cold = { PutRequest: { Item: { pk: S('batch-cold') } } };

    // Act
    const { UnprocessedItems } = await engine.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { answers: [hot, cold] } }));
    const written = await engine.dynamodb.send(new GetItemCommand({ TableName: 'answers', Key: { pk: S('batch-cold') } }));

    // Assess
    expect(UnprocessedItems).toEqual({ answers: [hot] });
    expect(written.Item).toEqual({ pk: S('batch-cold') });
  });

  it('fails a BatchWriteItem whose every write is throttled with the throttling exception', async () => {
    // Prepare
    await useUp('answers', 'all-hot');

    // Act
    const error = await failure(
      engine.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { answers: [{ DeleteRequest: { Key: { pk: S('all-hot') } } }] } })),
    );

    // Assess
    expect(error.name).toBe('ThrottlingException');
    expect(error.throttlingReasons).toEqual([{ reason: 'TableWriteKeyRangeThroughputExceeded', resource: engine.tableArn('answers') }]);
  });

  it('returns the throttled keys of a BatchGetItem in UnprocessedKeys and reads the others', async () => {
    // Prepare: ten strongly consistent reads use up the hot key's 10 RCU
    await put('answers', { pk: S('get-hot') });
    await put('answers', { pk: S('get-cold') });
    for (let index = 0; index < 10; index += 1)
      await engine.dynamodb.send(new GetItemCommand({ TableName: 'answers', Key: { pk: S('get-hot') }, ConsistentRead: true }));

    // Act
    const { Responses, UnprocessedKeys } = await engine.dynamodb.send(
      new BatchGetItemCommand({ RequestItems: { answers: { Keys: [{ pk: S('get-hot') }, { pk: S('get-cold') }], ConsistentRead: true } } }),
    );

    // Assess
    expect(Responses).toEqual({ answers: [{ pk: S('get-cold') }] });
    expect(UnprocessedKeys).toEqual({ answers: { Keys: [{ pk: S('get-hot') }], ConsistentRead: true } });
  });

  it('cancels a transaction with a ThrottlingError reason for its throttled item, and writes none of it', async () => {
    // Prepare
    await useUp('answers', 'tx-hot');

    // Act
    const error = await failure(
      engine.dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'answers', Item: { pk: S('tx-cold') } } },
            { Put: { TableName: 'answers', Item: { pk: S('tx-hot'), n: { N: '99' } } } },
          ],
        }),
      ),
    );
    const cold = await engine.dynamodb.send(new GetItemCommand({ TableName: 'answers', Key: { pk: S('tx-cold') } }));

    // Assess
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons).toEqual([{ Code: 'None' }, { Code: 'ThrottlingError', Message: ON_DEMAND_MESSAGE }]);
    expect(cold.Item).toBeUndefined();
  });

  it('charges a transactional write twice: five transactions use up what ten single writes do', async () => {
    // Prepare
    const transact = () =>
      engine.dynamodb.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'answers', Item: { pk: S('tx-double') } } }] }),
      );
    for (let index = 0; index < 5; index += 1) await transact();

    // Act
    const error = await failure(transact());

    // Assess
    expect(error.CancellationReasons).toEqual([{ Code: 'ThrottlingError', Message: ON_DEMAND_MESSAGE }]);
  });

  it('cancels a TransactGetItems whose item is throttled', async () => {
    // Prepare: five transactional reads (2 RCU each) use up 10 RCU
    await put('answers', { pk: S('tx-read') });
    const transact = () =>
      engine.dynamodb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'answers', Key: { pk: S('tx-read') } } }] }));
    for (let index = 0; index < 5; index += 1) await transact();

    // Act
    const error = await failure(transact());

    // Assess
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons).toEqual([{ Code: 'ThrottlingError', Message: ON_DEMAND_MESSAGE }]);
  });
});
