import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { applyEffect } from '../changes/apply.js';
import { decodeRecord } from '../changes/decode.js';
import { planChange } from '../changes/plan.js';
import { logger } from '../logger.js';

/**
 * The table's stream: task counts, the activity feed, the emptying of deleted projects.
 *
 * Records are applied one by one, in stream order, and the first failure ends the batch: it is
 * reported in batchItemFailures, so Lambda checkpoints before it and retries from it. Later
 * records of the same item then never overtake it. Powertools' BatchProcessor would go on
 * past a failure and report every failed record, which loses that order; its logger is used.
 * Every effect is idempotent (see packages/data/src/projections.ts), so a replay from the
 * checkpoint changes nothing twice.
 */
export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  logger.addContext(context);
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    try {
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
    } catch (error) {
      logger.error('change failed: the batch stops here and is retried from this record', { sequenceNumber, error: error as Error });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  return { batchItemFailures: [] };
}
