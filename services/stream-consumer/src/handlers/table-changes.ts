import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { applyEffect } from '../changes/apply.js';
import { decodeRecord } from '../changes/decode.js';
import { planChange } from '../changes/plan.js';
import { asUnprocessable, type UnprocessableRecordError } from '../errors.js';
import { logger } from '../logger.js';
import { countMetric, METRIC, millisecondsMetric, publishMetrics } from '../metrics.js';
import { sendToOnFailureDestination, skippedRecordMessage } from '../on-failure.js';
import { traced } from '../tracer.js';

/**
 * The table's stream: task counts, the activity feed, the emptying of deleted projects.
 *
 * Records are applied one by one, in stream order. A record that can never succeed (see
 * errors.ts) is set aside: sent whole to the on-failure destination, logged, counted, and the
 * batch goes on. Any other failure ends the batch: it is reported in batchItemFailures, so
 * Lambda checkpoints before it and retries from it, and later records of the same item never
 * overtake it. Powertools' BatchProcessor would go on past a failure and report every failed
 * record, which loses that order; its logger and metrics are used. Every effect is idempotent
 * (see packages/data/src/projections.ts), so a replay from the checkpoint changes nothing twice.
 */
export const handler = traced(async function tableChanges(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  const applied: DynamoDBRecord[] = [];
  try {
    for (const [position, record] of event.Records.entries()) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      try {
        await applyRecord(record, sequenceNumber);
        applied.push(record);
      } catch (error) {
        const unprocessable = asUnprocessable(error);
        // Sending it aside can fail too (the queue throttles): then it is retried like any transient failure.
        if (unprocessable && (await setAside(record, unprocessable, context, event.Records.length, position))) continue;
        logger.error('change failed: the batch stops here and is retried from this record', { sequenceNumber, error: error as Error });
        countMetric(METRIC.recordsFailed);
        // Lambda splits a batch whose first record failed (serverless.yml, bisectBatchOnFunctionError).
        if (position === 0 && event.Records.length > 1) countMetric(METRIC.batchesBisected);
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  } finally {
    countBatch(applied);
    publishMetrics();
  }
});

/** The records a batch applied, and how old the newest of them was when applied (the consumer's lag). */
function countBatch(applied: DynamoDBRecord[]): void {
  if (applied.length === 0) return;
  countMetric(METRIC.recordsApplied, applied.length);
  const newest = Math.max(...applied.map((record) => record.dynamodb?.ApproximateCreationDateTime ?? 0));
  if (newest > 0) millisecondsMetric(METRIC.appliedRecordAge, Math.max(0, Date.now() - newest * 1_000));
}

async function applyRecord(record: DynamoDBRecord, sequenceNumber: string): Promise<void> {
  const change = decodeRecord(record);
  const outcome = await applyEffect(planChange(change));
  logger.info('change applied', {
    eventName: change.kind,
    entity: change.entity,
    sequenceNumber,
    outcome,
    requestId: change.requestId,
    lastWriteRequestId: change.lastWriteRequestId,
  });
}

/** Sends a record that can never succeed to the on-failure destination; false if that failed. */
async function setAside(
  record: DynamoDBRecord,
  error: UnprocessableRecordError,
  context: Context,
  batchSize: number,
  position: number,
): Promise<boolean> {
  const message = skippedRecordMessage(record, error, {
    functionName: context.functionName,
    awsRequestId: context.awsRequestId,
    batchSize,
    position,
  });
  let destination: string;
  try {
    destination = await sendToOnFailureDestination(message);
  } catch (sendError) {
    logger.error('record cannot succeed, and sending it to the on-failure destination failed', {
      sequenceNumber: record.dynamodb?.SequenceNumber,
      reason: error.reason,
      error: sendError as Error,
    });
    return false;
  }
  countMetric(METRIC.skippedRecords);
  logger.warn('record skipped: it can never succeed, sent to the on-failure destination', {
    sequenceNumber: record.dynamodb?.SequenceNumber,
    eventID: record.eventID,
    eventName: record.eventName,
    reason: error.reason,
    detail: error.message,
    destination,
  });
  return true;
}
