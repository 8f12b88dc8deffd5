// UpdateTimeToLive and DescribeTimeToLive (API reference). Deletion of expired items is
// an embedded-only test (src/ttl.test.ts): DynamoDB takes up to days to delete them.
import { DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { failure, startTarget, suiteTimeout } from './target.js';
import type { Target } from './target.js';

jest.setTimeout(suiteTimeout);

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target?.stop();
});

describe('UpdateTimeToLive and DescribeTimeToLive', () => {
  it('start DISABLED, enable on an attribute, and refuse updates that change nothing', async () => {
    // Prepare
    const { TableName } = await target.createTable('ttl');

    // Act
    const initially = await target.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    const enabled = await target.dynamodb.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
    );
    const described = await target.dynamodb.send(new DescribeTimeToLiveCommand({ TableName }));
    const again = await failure(
      target.dynamodb.send(
        new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }),
      ),
    );

    // Assess
    expect(initially.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
    expect(enabled.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: 'expiresAt' });
    expect(['ENABLING', 'ENABLED']).toContain(described.TimeToLiveDescription?.TimeToLiveStatus);
    expect(described.TimeToLiveDescription?.AttributeName).toBe('expiresAt');
    expect(again.name).toBe('ValidationException');
    expect(again.message).toBe('TimeToLive is already enabled');
  });

  it('refuse to disable TTL that is not enabled', async () => {
    // Prepare
    const { TableName } = await target.createTable('ttl-off');

    // Act
    const error = await failure(
      target.dynamodb.send(
        new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiresAt' } }),
      ),
    );

    // Assess
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('TimeToLive is already disabled');
  });

  it('answer ResourceNotFoundException for a table that does not exist', async () => {
    // Act
    const update = await failure(
      target.dynamodb.send(
        new UpdateTimeToLiveCommand({ TableName: 'no-such-table-ttl', TimeToLiveSpecification: { Enabled: true, AttributeName: 'x' } }),
      ),
    );
    const describe = await failure(target.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'no-such-table-ttl' })));

    // Assess
    expect(update.name).toBe('ResourceNotFoundException');
    expect(describe.name).toBe('ResourceNotFoundException');
  });
});
