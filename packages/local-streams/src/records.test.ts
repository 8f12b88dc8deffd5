import { describe, expect, it } from '@jest/globals';
import { toLambdaRecord } from './records.js';

describe('toLambdaRecord', () => {
  it('gives Lambda’s event shape: epoch seconds, base64 binaries, the stream ARN, lower-case userIdentity', () => {
    const record = toLambdaRecord(
      {
        eventID: 'e1',
        eventName: 'REMOVE',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'us-east-1',
        dynamodb: {
          ApproximateCreationDateTime: new Date('2026-01-01T00:00:01.900Z'),
          Keys: { pk: { S: 'a' }, sk: { B: new Uint8Array([1, 2, 3]) } },
          OldImage: { pk: { S: 'a' }, nested: { M: { list: { L: [{ B: new Uint8Array([255]) }] } } } },
          SequenceNumber: '100',
          SizeBytes: 10,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' },
      },
      'arn:stream',
    );
    expect(record).toEqual({
      eventID: 'e1',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:stream',
      dynamodb: {
        ApproximateCreationDateTime: 1767225601,
        Keys: { pk: { S: 'a' }, sk: { B: 'AQID' } },
        OldImage: { pk: { S: 'a' }, nested: { M: { list: { L: [{ B: '/w==' }] } } } },
        SequenceNumber: '100',
        SizeBytes: 10,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
  });
});
