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
  /** What the function got done: the records before the first it reported failed, or all of a success. */
  const processed: string[] = [];
  const checkpoints: string[] = [];
  const deadLetters: { seqs: string[]; condition: FailureCondition; invokeCount: number }[] = [];
  const hooks = {
    invoke: async (batch: DynamoDBRecord[]) => {
      invocations.push(seqs(batch));
      const outcome = answer(batch, invocations.length);
      const failedAt = outcome.ok ? firstFailedIndex(batch, outcome.response) : 0;
      processed.push(...seqs(batch.slice(0, failedAt === -1 ? batch.length : failedAt)));
      return outcome;
    },
    checkpoint: async (s: string) => void checkpoints.push(s),
    deadLetter: async (batch: DynamoDBRecord[], condition: FailureCondition, invokeCount: number) =>
      void deadLetters.push({ seqs: seqs(batch), condition, invokeCount }),
    log: () => undefined,
    delay: async () => undefined,
    now: () => NOW,
  };
  return { hooks, invocations, processed, checkpoints, deadLetters };
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

  it('bisects a failed invocation regardless of ReportBatchItemFailures', async () => {
    // "If your invocation fails and BisectBatchOnFunctionError is turned on, the batch is
    // bisected regardless of your ReportBatchItemFailures setting" (services-ddb-batchfailurereporting.html).
    const h = harness((batch) => (batch.length > 1 ? { ok: false, error: 'boom' } : { ok: true, response: {} }));
    await driveBatch(records(2), { ...settings, reportBatchItemFailures: false, bisectBatchOnFunctionError: true }, h.hooks);
    expect(h.invocations).toEqual([['100', '101'], ['100'], ['101']]);
  });
});

/** Fails every invocation that contains `poison`, at `poison`, as a handler reporting batchItemFailures does. */
const reportsFailureAt =
  (poison: string) =>
  (batch: DynamoDBRecord[]): InvokeOutcome =>
    seqs(batch).includes(poison) ? failAt(poison) : { ok: true, response: { batchItemFailures: [] } };

// "Bisecting a batch", https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html:
// "When a partial batch success response is received and both BisectBatchOnFunctionError and
// ReportBatchItemFailures are turned on, the batch is bisected at the returned sequence number
// and Lambda retries only the remaining records." Splits consume no retries
// (services-dynamodb-errors.html: "Splitting a batch doesn't consume the retry quota").
describe('driveBatch with ReportBatchItemFailures and BisectBatchOnFunctionError', () => {
  const both = { ...settings, bisectBatchOnFunctionError: true, maximumRetryAttempts: 2 };

  it('splits at the returned record: the records before it are done, only the remaining ones are retried', async () => {
    const h = harness((_, call) => (call === 1 ? failAt('102') : { ok: true, response: {} }));
    await driveBatch(records(4), both, h.hooks);
    expect(h.invocations).toEqual([
      ['100', '101', '102', '103'],
      ['102', '103'],
    ]);
    expect(h.checkpoints).toEqual(['101', '103']);
  });

  it('bisects a batch whose first record fails until that record is alone, so it costs only itself', async () => {
    // The batch of issue 18: the poison item, then a task created through the API.
    const h = harness(reportsFailureAt('100'));
    await driveBatch(records(2), both, h.hooks);
    expect(h.invocations).toEqual([['100', '101'], ['100'], ['100'], ['100'], ['101']]);
    expect(h.deadLetters).toEqual([{ seqs: ['100'], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
    expect(h.checkpoints).toEqual(['100', '101']);
  });

  it('corners a failing record in the middle of a batch of ten, and the function gets every other record done once', async () => {
    const h = harness(reportsFailureAt('105'));
    await driveBatch(records(10), both, h.hooks);
    expect(h.processed).toEqual(['100', '101', '102', '103', '104', '106', '107', '108', '109']);
    expect(h.deadLetters).toEqual([{ seqs: ['105'], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
    expect(h.checkpoints.at(-1)).toBe('109');
  });

  it('uses up retries only on a record that keeps failing alone, whatever the splits before', async () => {
    const h = harness(reportsFailureAt('107'));
    await driveBatch(records(8), { ...both, maximumRetryAttempts: 4 }, h.hooks);
    expect(h.invocations.filter((batch) => batch.length === 1 && batch[0] === '107')).toHaveLength(5);
    expect(h.deadLetters).toEqual([{ seqs: ['107'], condition: 'RetryAttemptsExhausted', invokeCount: 5 }]);
  });

  it('treats an identifier that names no record as a failure of the whole batch, and bisects it', async () => {
    const h = harness((batch) => (batch.length > 1 ? failAt('nope') : { ok: true, response: {} }));
    await driveBatch(records(2), both, h.hooks);
    expect(h.invocations).toEqual([['100', '101'], ['100'], ['101']]);
    expect(h.deadLetters).toEqual([]);
  });

  it('sends records that pass the maximum age while the batch is being split to the destination, uninvoked', async () => {
    // Retried "until the records expire, exceed the maximum age (MaximumRecordAgeInSeconds), or
    // reach the configured retry quota" (services-dynamodb-errors.html). The failing record is
    // 50 s old, its neighbours new; each invocation takes 30 s.
    let now = NOW;
    const batch = records(3);
    batch[0]!.dynamodb!.ApproximateCreationDateTime = (NOW - 50_000) / 1000;
    const h = harness((invoked) => ((now += 30_000), reportsFailureAt('100')(invoked)));
    await driveBatch(batch, { ...both, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 60 }, { ...h.hooks, now: () => now });
    expect(h.deadLetters).toEqual([{ seqs: ['100'], condition: 'RecordAgeExceeded', invokeCount: 0 }]);
    expect(h.processed).toEqual(['101', '102']);
    expect(h.checkpoints.at(-1)).toBe('102');
  });

  it('retries from the returned record without bisecting when BisectBatchOnFunctionError is off, counting each retry', async () => {
    const h = harness(reportsFailureAt('100'));
    await driveBatch(records(2), { ...both, bisectBatchOnFunctionError: false }, h.hooks);
    expect(h.invocations).toEqual([
      ['100', '101'],
      ['100', '101'],
      ['100', '101'],
    ]);
    expect(h.deadLetters).toEqual([{ seqs: ['100', '101'], condition: 'RetryAttemptsExhausted', invokeCount: 3 }]);
  });
});
