// ReturnValuesOnConditionCheckFailure on PutItem, UpdateItem and DeleteItem (API
// reference): with ALL_OLD, a ConditionalCheckFailedException carries the item as it was.
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { failure, startTarget, suiteTimeout } from './target.js';
import type { Target } from './target.js';

jest.setTimeout(suiteTimeout);

let target: Target;
let TableName: string;
const Key = { pk: { S: 'guarded' } };
const Item = { ...Key, state: { S: 'locked' }, n: { N: '7' } };

beforeAll(async () => {
  target = await startTarget();
  ({ TableName } = await target.createTable('return-values'));
  await target.dynamodb.send(new PutItemCommand({ TableName, Item }));
});
afterAll(async () => {
  await target?.stop();
});

describe('ReturnValuesOnConditionCheckFailure', () => {
  it('ALL_OLD puts the current item in the ConditionalCheckFailedException of PutItem, UpdateItem and DeleteItem', async () => {
    // Act
    const errors = [
      await failure(
        target.dynamodb.send(
          new PutItemCommand({
            TableName,
            Item: Key,
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      ),
      await failure(
        target.dynamodb.send(
          new UpdateItemCommand({
            TableName,
            Key,
            UpdateExpression: 'SET #s = :open',
            ConditionExpression: '#s = :open',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':open': { S: 'open' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      ),
      await failure(
        target.dynamodb.send(
          new DeleteItemCommand({
            TableName,
            Key,
            ConditionExpression: 'n > :ten',
            ExpressionAttributeValues: { ':ten': { N: '10' } },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      ),
    ];

    // Assess
    for (const error of errors) {
      expect(error.name).toBe('ConditionalCheckFailedException');
      expect(error.message).toBe('The conditional request failed');
      expect(error.Item).toEqual(Item);
    }
  });

  it('NONE, or no member at all, leaves Item out', async () => {
    // Act
    const withNone = await failure(
      target.dynamodb.send(
        new PutItemCommand({
          TableName,
          Item: Key,
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'NONE',
        }),
      ),
    );
    const without = await failure(
      target.dynamodb.send(new PutItemCommand({ TableName, Item: Key, ConditionExpression: 'attribute_not_exists(pk)' })),
    );

    // Assess
    expect(withNone.name).toBe('ConditionalCheckFailedException');
    expect(withNone.Item).toBeUndefined();
    expect(without.Item).toBeUndefined();
  });

  it('ALL_OLD gives no Item when there is no item', async () => {
    // Act
    const error = await failure(
      target.dynamodb.send(
        new DeleteItemCommand({
          TableName,
          Key: { pk: { S: 'absent' } },
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );

    // Assess
    expect(error.name).toBe('ConditionalCheckFailedException');
    expect(error.Item).toBeUndefined();
  });

  it('rejects a value outside ALL_OLD and NONE', async () => {
    // Act
    const error = await failure(
      target.dynamodb.send(new PutItemCommand({ TableName, Item: Key, ReturnValuesOnConditionCheckFailure: 'ALL_NEW' as 'ALL_OLD' })),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    );
  });
});
