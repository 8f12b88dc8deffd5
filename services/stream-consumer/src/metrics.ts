// The service's metrics, as CloudWatch embedded metric format lines on stdout (Powertools
// Metrics): CloudWatch Logs turns them into metrics on AWS, and locally they are plain JSON
// lines. Namespace and service dimension come from the environment (POWERTOOLS_METRICS_NAMESPACE,
// per service and stage, and POWERTOOLS_SERVICE_NAME, in serverless.yml); the alarms there name
// the same metrics.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** Every metric this service emits, by name: one place, for the code and for the alarms. */
export const METRIC = {
  /** Stream records that can never succeed, set aside to the on-failure destination. */
  skippedRecords: 'SkippedRecords',
  /** Projects whose task counts a recount found off from their tasks. */
  taskCountDrift: 'TaskCountDrift',
} as const;

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'rest-api-stream-consumer',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'stream-consumer',
});

export function countMetric(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Writes the metrics gathered during an invocation, if any (an empty flush would log a warning). */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
