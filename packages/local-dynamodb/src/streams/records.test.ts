import { describe, expect, it } from '@jest/globals';
import { buildRecord, describeChange } from './records.js';

describe('describeChange', () => {
  it('names INSERT, MODIFY and REMOVE, and finds no change in an identical item', () => {
    // Prepare
    const item = { pk: { S: 'k' }, tags: { SS: ['a', 'b'] }, nested: { M: { list: { L: [{ N: '1' }, { NULL: true }] } } } };
    const reordered = { nested: { M: { list: { L: [{ N: '1' }, { NULL: true }] } } }, tags: { SS: ['b', 'a'] }, pk: { S: 'k' } };

    // Act
    const changes = [
      describeChange(undefined, item),
      describeChange(item, { ...item, tags: { SS: ['a'] } }),
      describeChange(item, undefined),
      describeChange(item, reordered),
      describeChange(item, { ...item, nested: { M: { list: { L: [{ NULL: true }, { N: '1' }] } } } }),
      describeChange(undefined, undefined),
    ];

    // Assess
    expect(changes.map((change) => change?.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE', undefined, 'MODIFY', undefined]);
  });
});

describe('buildRecord', () => {
  it('marks TTL deletions as made by the DynamoDB service', () => {
    // Act
    const record = buildRecord(
      { eventName: 'REMOVE', oldItem: { pk: { S: 'k' }, v: { N: '1' } }, byService: true },
      {
        keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        viewType: 'OLD_IMAGE',
        sequenceNumber: '100000000000000000001',
        now: 1_900_000_000_999,
        region: 'eu-west-1',
      },
    );

    // Assess
    expect(record).toMatchObject({
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
      dynamodb: {
        ApproximateCreationDateTime: 1_900_000_000,
        Keys: { pk: { S: 'k' } },
        OldImage: { pk: { S: 'k' }, v: { N: '1' } },
        StreamViewType: 'OLD_IMAGE',
      },
    });
    expect(record.dynamodb.NewImage).toBeUndefined();
    expect(record.eventID).toMatch(/^[0-9a-f]{32}$/);
  });
});
