import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from '@jest/globals';
import { driveBatch, firstFailedIndex, type InvokeOutcome } from './batch-driver.js';
import type { FailureCondition } from './destination.js';

const NOW = 1_800_000_000_000;
const records = (n: number, ageSeconds = 0): DynamoDBRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    eventID: `e${i}`,
    dynamodb: { SequenceNumber: String(100 + i), ApproximateCreationDateTime: NOW / 1000 - ageSeconds },
  }));
const seqs = (batch: DynamoDBRecord[]) => batch.map((r) => r.dynamodb!.SequenceNumber!);

/** A recording fake of Lambda's side: each invocation is answered by `answer`. */
function harness(answer: (batch: DynamoDBRecord[], call: number) => InvokeOutcome) {
  const invocations: string[][] = [];
  const checkpoints: string[] = [];
  const deadLetters: { seqs: string[]; condition: FailureCondition; invokeCount: number }[] = [];
  const hooks = {
    invoke: async (batch: DynamoDBRecord[]) => {
      invocations.push(seqs(batch));
      return answer(batch, invocations.length);
    },
    checkpoint: async (s: string) => void checkpoints.push(s),
    deadLetter: async (batch: DynamoDBRecord[], condition: FailureCondition, invokeCount: number) =>
      void deadLetters.push({ seqs: seqs(batch), condition, invokeCount }),
    log: () => undefined,
    delay: async () => undefined,
    now: () => NOW,
  };
  return { hooks, invocations, checkpoints, deadLetters };
}

const settings = {
  reportBatchItemFailures: true,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 2,
  maximumRecordAgeInSeconds: -1,
};
const failAt = (sequenceNumber: string): InvokeOutcome => ({
  ok: true,
  response: { batchItemFailures: [{ itemIdentifier: sequenceNumber }] },
});

describe('driveBatch', () => {
  it('checkpoints the last record of a successful batch', async () => {
    const h = harness(() => ({ ok: true, response: { batchItemFailures: [] } }));
    await driveBatch(records(3), settings, h.hooks);
    expect(h.invocations).toEqual([['100', '101', '102']]);
    expect(h.checkpoints).toEqual(['102']);
  });

  it('retries from the lowest failed record, checkpointing the records before it', async () => {
    const h = harness((batch, call) =>
      call === 1
        ? { ok: true, response: { batchItemFailures: [{ itemIdentifier: '103' }, { itemIdentifier: '101' }] } }
        : { ok: true, response: {} },
    );
    await driveBatch(records(4), settings, h.hooks);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103'],
      ['101', '102', '103'],
    ]);
    expect(h.checkpoints).toEqual(['100', '103']);
  });

  it('sends what still fails after the retries to the destination and moves on', async () => {
    const h = harness(() => failAt('101'));
    await driveBatch(records(3), settings, h.hooks);
    expect(h.invocations).toHaveLength(3); // first attempt + 2 retries
    expect(h.deadLetters).toEqual([{ seqs: ['101', '102'], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
    expect(h.checkpoints.at(-1)).toBe('102');
  });

  it('treats an identifier that names no record as a failure of the whole batch', async () => {
    expect(firstFailedIndex(records(2), { batchItemFailures: [{ itemIdentifier: 'nope' }] })).toBe(0);
    expect(firstFailedIndex(records(2), { batchItemFailures: [{ itemIdentifier: '' }] })).toBe(0);
    expect(firstFailedIndex(records(2), { batchItemFailures: [] })).toBe(-1);
    expect(firstFailedIndex(records(2), null)).toBe(-1);
  });

  it('ignores batchItemFailures when the mapping does not report them', async () => {
    const h = harness(() => failAt('100'));
    await driveBatch(records(2), { ...settings, reportBatchItemFailures: false }, h.hooks);
    expect(h.invocations).toHaveLength(1);
    expect(h.checkpoints).toEqual(['101']);
  });

  it('bisects on a function error until the poison record is alone, then retries and dead-letters only it', async () => {
    const poison = '102';
    const h = harness((batch) => (seqs(batch).includes(poison) ? { ok: false, error: 'boom' } : { ok: true, response: {} }));
    await driveBatch(records(4), { ...settings, bisectBatchOnFunctionError: true }, h.hooks);
    expect(h.invocations).toEqual([['100', '101', '102', '103'], ['100', '101'], ['102', '103'], ['102'], ['102'], ['102'], ['103']]);
    expect(h.deadLetters).toEqual([{ seqs: [poison], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
    expect(h.checkpoints).toEqual(['101', '102', '103']);
  });

  it('retries a whole batch on a function error without bisect', async () => {
    const h = harness((_, call) => (call < 3 ? { ok: false, error: 'flaky' } : { ok: true, response: {} }));
    await driveBatch(records(2), settings, h.hooks);
    expect(h.invocations).toEqual([
      ['100', '101'],
      ['100', '101'],
      ['100', '101'],
    ]);
    expect(h.deadLetters).toEqual([]);
    expect(h.checkpoints).toEqual(['101']);
  });

  it('sends records older than the maximum age to the destination without invoking', async () => {
    const h = harness(() => ({ ok: true, response: {} }));
    await driveBatch(records(2, 120), { ...settings, maximumRecordAgeInSeconds: 60 }, h.hooks);
    expect(h.invocations).toEqual([]);
    expect(h.deadLetters).toEqual([{ seqs: ['100', '101'], condition: 'RecordAgeExceeded', invokeCount: 0 }]);
    expect(h.checkpoints).toEqual(['101']);
  });

  it('retries forever with maximumRetryAttempts -1 (until it succeeds)', async () => {
    const h = harness((_, call) => (call < 6 ? failAt('100') : { ok: true, response: {} }));
    await driveBatch(records(1), { ...settings, maximumRetryAttempts: -1 }, h.hooks);
    expect(h.invocations).toHaveLength(6);
    expect(h.deadLetters).toEqual([]);
  });
});
