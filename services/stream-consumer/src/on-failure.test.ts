import { describe, expect, it } from '@jest/globals';
import { streamRecord } from '../test/stream-events.js';
import { UnprocessableRecordError } from './errors.js';
import { skippedRecordMessage } from './on-failure.js';

const invocation = { functionName: 'tableChanges', awsRequestId: 'r', batchSize: 1, position: 0 };
const error = new UnprocessableRecordError('unreadable-item', 'task item without a string title');

describe('skippedRecordMessage', () => {
  it('carries the whole record and the reason', () => {
    const record = streamRecord('INSERT', { new: { pk: 'a', sk: 'b', entity: 'task' } });
    expect(skippedRecordMessage(record, error, invocation)).toMatchObject({
      kind: 'skipped-record',
      record,
      reason: { code: 'unreadable-item' },
    });
  });

  it('leaves out the images of a record too large for a queue message, and keeps its keys', () => {
    const large = 'x'.repeat(200_000);
    const record = streamRecord('MODIFY', { old: { pk: 'a', sk: 'b', description: large }, new: { pk: 'a', sk: 'b', description: large } });

    const message = skippedRecordMessage(record, error, invocation);

    expect(message.imagesOmitted).toBe(true);
    expect(message.record.dynamodb).toEqual({ ...record.dynamodb, NewImage: undefined, OldImage: undefined });
    expect(message.record.dynamodb!.Keys).toEqual(record.dynamodb!.Keys);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThan(256 * 1024);
  });
});
