// What Lambda's event-source mapping does with one batch of stream records: invoke, then on
// a reported partial failure retry from the lowest failed record, on a function error split
// the batch (bisect) or retry it whole, and once the retries or the record age run out send
// the batch's metadata to the on-failure destination and move on. Checkpoints only ever move
// forward, past records that were handled.
//
// The rules, as the AWS documentation states them (each one is pinned in batch-driver.test.ts):
// - Partial batch responses, https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
//   "Report syntax": with several failures, the lowest sequence number is the checkpoint and
//   every record from it on is retried; "Success and failure conditions": an empty or null
//   list is a success, an empty, null or unknown itemIdentifier fails the whole batch;
//   "Bisecting a batch": a failed invocation is bisected regardless of ReportBatchItemFailures,
//   and with both settings on, a partial response bisects the batch at the returned sequence
//   number and only the remaining records are retried.
// - Discarded records, https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
//   (first section): a function error is retried until the records expire, exceed
//   MaximumRecordAgeInSeconds or reach MaximumRetryAttempts; "Splitting a batch doesn't
//   consume the retry quota"; then the records are discarded (sent to the on-failure
//   destination, "Configuring destinations for failed invocations": metadata, not the records).
// - Defaults (-1: until the record expires), https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html
//
// Where the documentation leaves a gap, the choice made here:
// - A partial response whose lowest failure is the batch's first record leaves nothing to split
//   off: nothing in it succeeded, so it is a failure of the whole batch, and with bisection on it
//   is split in halves as a failed invocation is. A record that can never succeed then costs
//   only itself, never the records that came after it in its batch.
// - A split (at the returned record, or in halves) does not count as a retry; only a batch of
//   one record that keeps failing uses up retries. Every split shrinks the batch, so this ends.
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import type { FailureCondition } from './destination.js';
import type { StreamMapping } from './mappings.js';

export type InvokeOutcome = { ok: true; response: unknown } | { ok: false; error: string };

export interface BatchDriverHooks {
  invoke(records: DynamoDBRecord[]): Promise<InvokeOutcome>;
  checkpoint(sequenceNumber: string): Promise<void>;
  deadLetter(records: DynamoDBRecord[], condition: FailureCondition, invokeCount: number, functionError?: string): Promise<void>;
  log(line: string): void;
  /** Pause before a retry; Lambda backs off too. */
  delay(attempt: number): Promise<void>;
  now(): number;
}

type Settings = Pick<
  StreamMapping,
  'reportBatchItemFailures' | 'bisectBatchOnFunctionError' | 'maximumRetryAttempts' | 'maximumRecordAgeInSeconds'
>;

const seq = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;
const range = (records: DynamoDBRecord[]) => (records.length === 1 ? seq(records[0]!) : `${seq(records[0]!)}..${seq(records.at(-1)!)}`);

/**
 * The index of the first record to retry, from a partial batch response; -1 when the batch
 * succeeded. An identifier that names no record of the batch fails the whole batch, as on Lambda.
 */
export function firstFailedIndex(records: DynamoDBRecord[], response: unknown): number {
  const failures = (response as DynamoDBBatchResponse | null | undefined)?.batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let lowest = Infinity;
  for (const failure of failures) {
    const index = records.findIndex((record) => seq(record) === failure?.itemIdentifier);
    if (index === -1) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
}

export async function driveBatch(records: DynamoDBRecord[], settings: Settings, hooks: BatchDriverHooks, attemptsSoFar = 0): Promise<void> {
  let batch = records;
  let attempts = attemptsSoFar;
  for (;;) {
    // Records past the maximum age go to the destination without another invocation.
    if (settings.maximumRecordAgeInSeconds >= 0) {
      const oldest = hooks.now() / 1000 - settings.maximumRecordAgeInSeconds;
      const expired = batch.filter((record) => (record.dynamodb?.ApproximateCreationDateTime ?? Infinity) < oldest);
      if (expired.length > 0) {
        await hooks.deadLetter(expired, 'RecordAgeExceeded', attempts);
        hooks.log(
          `${expired.length} records older than ${settings.maximumRecordAgeInSeconds} s (${range(expired)}): sent to the on-failure destination`,
        );
        batch = batch.filter((record) => !expired.includes(record));
        if (batch.length === 0) return hooks.checkpoint(seq(expired.at(-1)!));
      }
    }

    const started = hooks.now();
    const outcome = await hooks.invoke(batch);
    attempts++;
    const took = `${hooks.now() - started} ms`;

    if (outcome.ok) {
      const failedAt = settings.reportBatchItemFailures ? firstFailedIndex(batch, outcome.response) : -1;
      if (failedAt === -1) {
        hooks.log(`${batch.length} records ${range(batch)}: ok in ${took}${attempts > 1 ? ` (attempt ${attempts})` : ''}`);
        return hooks.checkpoint(seq(batch.at(-1)!));
      }
      if (settings.bisectBatchOnFunctionError && failedAt === 0 && batch.length > 1) {
        // Nothing succeeded: a failure of the whole batch, bisected as a failed invocation is.
        hooks.log(`${batch.length} records ${range(batch)}: failed at its first record ${seq(batch[0]!)} in ${took}: bisecting`);
        return bisect(batch, settings, hooks, attempts - 1);
      }
      // Everything before the lowest failed record is done; retry from it.
      if (failedAt > 0) await hooks.checkpoint(seq(batch[failedAt - 1]!));
      const remaining = batch.slice(failedAt);
      if (settings.bisectBatchOnFunctionError && failedAt > 0) {
        // Split at the returned record: a split, not a retry.
        hooks.log(
          `${batch.length} records ${range(batch)}: partial failure at ${seq(remaining[0]!)} in ${took}: split there, retrying the ${remaining.length} remaining`,
        );
        batch = remaining;
        attempts--;
        continue;
      }
      if (settings.maximumRetryAttempts >= 0 && attempts > settings.maximumRetryAttempts) {
        await hooks.deadLetter(remaining, 'RetryAttemptsExhausted', attempts);
        hooks.log(
          `${batch.length} records ${range(batch)}: failed at ${seq(remaining[0]!)} after ${attempts} attempts: ${remaining.length} sent to the on-failure destination`,
        );
        return hooks.checkpoint(seq(remaining.at(-1)!));
      }
      hooks.log(
        `${batch.length} records ${range(batch)}: partial failure at ${seq(remaining[0]!)} in ${took}, retrying ${remaining.length} (attempt ${attempts + 1})`,
      );
      batch = remaining;
      await hooks.delay(attempts);
      continue;
    }

    // A function error: corner the bad record by halves, or retry the batch as it is.
    if (settings.bisectBatchOnFunctionError && batch.length > 1) {
      hooks.log(`${batch.length} records ${range(batch)}: function error (${outcome.error}) in ${took}: bisecting`);
      return bisect(batch, settings, hooks, attempts - 1);
    }
    if (settings.maximumRetryAttempts >= 0 && attempts > settings.maximumRetryAttempts) {
      await hooks.deadLetter(batch, 'RetryAttemptsExhausted', attempts, 'Unhandled');
      hooks.log(
        `${batch.length} records ${range(batch)}: function error (${outcome.error}) after ${attempts} attempts: sent to the on-failure destination`,
      );
      return hooks.checkpoint(seq(batch.at(-1)!));
    }
    hooks.log(`${batch.length} records ${range(batch)}: function error (${outcome.error}) in ${took}, retrying (attempt ${attempts + 1})`);
    await hooks.delay(attempts);
  }
}

/** Drives each half on its own, in stream order; the split itself uses up no retry. */
async function bisect(batch: DynamoDBRecord[], settings: Settings, hooks: BatchDriverHooks, attemptsSoFar: number): Promise<void> {
  const half = Math.ceil(batch.length / 2);
  await driveBatch(batch.slice(0, half), settings, hooks, attemptsSoFar);
  await driveBatch(batch.slice(half), settings, hooks, attemptsSoFar);
}
