// The service's metrics, as CloudWatch embedded metric format lines on stdout (Powertools
// Metrics): CloudWatch Logs turns them into metrics on AWS, and locally they are plain JSON
// lines. Namespace and service dimension come from the environment (POWERTOOLS_METRICS_NAMESPACE,
// per service and stage, and POWERTOOLS_SERVICE_NAME, in serverless.yml).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import METRIC from './metric-names.json' with { type: 'json' };

/**
 * Every metric this service emits, by name, in metric-names.json: one place, for the code and
 * for the alarms and dashboard (serverless.yml reads it with ${file(...)}).
 *   RecordsApplied    stream records applied (counts, feed, cleanup), per batch
 *   RecordsFailed     a record that failed and stopped its batch: Lambda retries the batch from it
 *   BatchesBisected   batches whose first record failed, which Lambda splits in two (bisectBatchOnFunctionError)
 *   AppliedRecordAge  ms from the table's write to its record being applied, for the newest record of a batch
 *   SkippedRecords    records that can never succeed, set aside to the on-failure destination (the dead-letter queue)
 *   TaskCountDrift    projects whose task counts a recount found off from their tasks
 */
export { METRIC };

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'rest-api-stream-consumer',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'stream-consumer',
});

type MetricName = (typeof METRIC)[keyof typeof METRIC];

export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export function millisecondsMetric(name: MetricName, value: number): void {
  metrics.addMetric(name, MetricUnit.Milliseconds, value);
}

/** Writes the metrics gathered during an invocation, if any (an empty flush would log a warning). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
