// TransactWriteItems and TransactGetItems, from the API reference and the developer
// guide ("Amazon DynamoDB Transactions: How it works"): all or nothing, cancellation
// reasons in request order, idempotency with ClientRequestToken, and the limits.
import { GetItemCommand, PutItemCommand, TransactGetItemsCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { TransactGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { failure, startTarget, suiteTimeout } from './target.js';
import type { Target } from './target.js';

jest.setTimeout(suiteTimeout);

let target: Target;
let TableName: string;
beforeAll(async () => {
  target = await startTarget();
  ({ TableName } = await target.createTable('transactions'));
});
afterAll(async () => {
  await target?.stop();
});

const key = (pk: string) => ({ pk: { S: pk } });
async function item(pk: string) {
  return (await target.dynamodb.send(new GetItemCommand({ TableName, Key: key(pk), ConsistentRead: true }))).Item;
}
const unique = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

describe('TransactWriteItems', () => {
  it('applies Put, Update, Delete and ConditionCheck together', async () => {
    // Prepare
    const [put, update, remove, checked] = ['put', 'update', 'delete', 'checked'].map(unique) as [string, string, string, string];
    for (const pk of [update, remove, checked])
      await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(pk), n: { N: '1' } } }));

    // Act
    const response = await target.dynamodb.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName, Item: { ...key(put), s: { S: 'new' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName,
              Key: key(update),
              UpdateExpression: 'SET n = n + :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
          { Delete: { TableName, Key: key(remove) } },
          {
            ConditionCheck: {
              TableName,
              Key: key(checked),
              ConditionExpression: 'n = :one',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            },
          },
        ],
      }),
    );

    // Assess
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(await item(put)).toEqual({ ...key(put), s: { S: 'new' } });
    expect(await item(update)).toEqual({ ...key(update), n: { N: '2' } });
    expect(await item(remove)).toBeUndefined();
    expect(await item(checked)).toEqual({ ...key(checked), n: { N: '1' } });
  });

  it('writes nothing when one condition fails, and gives one reason per action in request order', async () => {
    // Prepare
    const [fresh, existing, updated] = ['fresh', 'existing', 'updated'].map(unique) as [string, string, string];
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(existing), v: { S: 'kept' } } }));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(updated), n: { N: '1' } } }));

    // Act
    const error = await failure(
      target.dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: key(fresh) } },
            {
              Put: {
                TableName,
                Item: key(existing),
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            {
              Update: { TableName, Key: key(updated), UpdateExpression: 'SET n = :two', ExpressionAttributeValues: { ':two': { N: '2' } } },
            },
            { ConditionCheck: { TableName, Key: key(unique('missing')), ConditionExpression: 'attribute_exists(pk)' } },
          ],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.message).toBe(
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None, ConditionalCheckFailed]',
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...key(existing), v: { S: 'kept' } } },
      { Code: 'None' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
    expect(await item(fresh)).toBeUndefined();
    expect(await item(updated)).toEqual({ ...key(updated), n: { N: '1' } });
  });

  it('cancels with a ValidationError reason when an update cannot be applied to the item', async () => {
    // Prepare
    const pk = unique('typed');
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(pk), n: { N: '3' }, s: { S: 'text' } } }));

    // Act
    const error = await failure(
      target.dynamodb.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Update: { TableName, Key: key(pk), UpdateExpression: 'SET n = n + s' } }] }),
      ),
    );

    // Assess
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons).toEqual([
      { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' },
    ]);
    expect(await item(pk)).toEqual({ ...key(pk), n: { N: '3' }, s: { S: 'text' } });
  });

  it('rejects two actions on one item', async () => {
    // Prepare
    const pk = unique('twice');

    // Act
    const error = await failure(
      target.dynamodb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName, Item: key(pk) } },
            { ConditionCheck: { TableName, Key: key(pk), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Transaction request cannot include multiple operations on one item');
    expect(await item(pk)).toBeUndefined();
  });

  it('rejects more than 100 actions', async () => {
    // Prepare
    const TransactItems: TransactWriteItem[] = Array.from({ length: 101 }, (_, index) => ({
      Put: { TableName, Item: key(`many-${index}`) },
    }));

    // Act
    const error = await failure(target.dynamodb.send(new TransactWriteItemsCommand({ TransactItems })));

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /^1 validation error detected: Value '.*' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/s,
    );
  });

  it('rejects an element with more than one action, or none', async () => {
    // Act
    const two = await failure(
      target.dynamodb.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName, Item: key('x') }, Delete: { TableName, Key: key('y') } }] }),
      ),
    );
    const none = await failure(target.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{}] })));

    // Assess
    expect(two.name).toBe('ValidationException');
    expect(none.name).toBe('ValidationException');
  });

  it('rejects items that add up to more than 4 MB, writing none of them', async () => {
    // Prepare: eleven items just under the 400 KB item limit.
    const pks = Array.from({ length: 11 }, () => unique('large'));
    const TransactItems: TransactWriteItem[] = pks.map((pk) => ({
      Put: { TableName, Item: { ...key(pk), blob: { S: 'x'.repeat(390 * 1024) } } },
    }));

    // Act
    const error = await failure(target.dynamodb.send(new TransactWriteItemsCommand({ TransactItems })));

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(await item(pks[0]!)).toBeUndefined();
  });

  it('rejects an action on a table that does not exist', async () => {
    // Act
    const error = await failure(
      target.dynamodb.send(
        new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: unique('no-such-table'), Item: key('x') } }] }),
      ),
    );

    // Assess
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('rejects a ConditionCheck without a ConditionExpression, naming the member', async () => {
    // Act
    const error = await failure(
      target.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName, Key: key('x') } as never }] })),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null",
    );
  });

  it('is idempotent for a ClientRequestToken, and refuses the token for another request', async () => {
    // Prepare
    const pk = unique('idempotent');
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(pk), n: { N: '0' } } }));
    const ClientRequestToken = unique('token');
    const increment = (by: string) =>
      new TransactWriteItemsCommand({
        ClientRequestToken,
        TransactItems: [
          { Update: { TableName, Key: key(pk), UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': { N: by } } } },
        ],
      });

    // Act
    await target.dynamodb.send(increment('1'));
    await target.dynamodb.send(increment('1'));
    const mismatch = await failure(target.dynamodb.send(increment('5')));

    // Assess
    expect(await item(pk)).toEqual({ ...key(pk), n: { N: '1' } });
    expect(mismatch.name).toBe('IdempotentParameterMismatchException');
  });

  it('works through the DynamoDB Document Client', async () => {
    // Prepare
    const [a, b] = [unique('doc'), unique('doc')];

    // Act
    await target.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: a, tags: new Set(['x']) } } },
          { Put: { TableName, Item: { pk: b, nested: { list: [1, 'two'] } } } },
        ],
      }),
    );
    const { Responses } = await target.documents.send(
      new TransactGetCommand({ TransactItems: [{ Get: { TableName, Key: { pk: a } } }, { Get: { TableName, Key: { pk: b } } }] }),
    );

    // Assess
    expect(Responses?.map((response) => response.Item)).toEqual([
      { pk: a, tags: new Set(['x']) },
      { pk: b, nested: { list: [1, 'two'] } },
    ]);
  });
});

describe('TransactGetItems', () => {
  it('returns the items in request order, an empty response for a missing one, with projections', async () => {
    // Prepare
    const [first, second] = [unique('get'), unique('get')];
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(first), a: { S: '1' }, b: { S: '2' } } }));
    await target.dynamodb.send(new PutItemCommand({ TableName, Item: { ...key(second), a: { S: '3' } } }));

    // Act
    const { Responses } = await target.dynamodb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName, Key: key(second) } },
          { Get: { TableName, Key: key(unique('missing')) } },
          { Get: { TableName, Key: key(first), ProjectionExpression: '#b', ExpressionAttributeNames: { '#b': 'b' } } },
        ],
      }),
    );

    // Assess
    expect(Responses).toEqual([{ Item: { ...key(second), a: { S: '3' } } }, {}, { Item: { b: { S: '2' } } }]);
  });

  it('rejects two reads of one item', async () => {
    // Act
    const error = await failure(
      target.dynamodb.send(
        new TransactGetItemsCommand({
          TransactItems: [{ Get: { TableName, Key: key('same') } }, { Get: { TableName, Key: key('same') } }],
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
  });
});
