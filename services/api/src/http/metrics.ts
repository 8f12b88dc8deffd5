// The API's metrics, as CloudWatch embedded metric format lines on stdout (Powertools Metrics,
// as the stream consumer's src/metrics.ts): CloudWatch Logs turns them into metrics on AWS;
// locally they are plain JSON lines a test reads. Namespace and the `service` dimension come
// from the environment (POWERTOOLS_METRICS_NAMESPACE, per service and stage, and
// POWERTOOLS_SERVICE_NAME: serverless.yml). The names are in metric-names.json, which the
// alarms and the dashboard of serverless.yml read too (${file(...)}).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { toHttpProblem } from './errors.js';
import METRIC from './metric-names.json' with { type: 'json' };
import type { HttpResponse } from './response.js';
import { tracer } from '../tracer.js';

export { METRIC };
type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** What a problem kind counts as, beside the request itself. */
const OUTCOME_OF_PROBLEM: Partial<Record<string, MetricName>> = {
  preconditionFailed: METRIC.conditionalFailures,
  idempotencyKeyReused: METRIC.idempotencyConflicts,
  idempotencyInProgress: METRIC.idempotencyConflicts,
  validation: METRIC.validationRejections,
};

let metrics: Metrics | undefined;

/** Built on first use (a cold start that answers from a cache pays nothing more). */
function getMetrics(): Metrics {
  metrics ??= new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'rest-api-http',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'api',
  });
  return metrics;
}

/** "2xx" .. "5xx" */
export const statusClassOf = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * Counts each request by route and status class, and its outcome where it is one an operator
 * watches: a conditional failure (412), an idempotent replay or conflict, a validation rejection.
 * One EMF line per request, which also carries its status and the ids that join API Gateway's
 * access log (requestId, integrationRequestId), the trace and the consumer's lines (requestId =
 * function_request_id): fields, not dimensions, so no metric per request.
 * Used before problemResponses (so after it on errors: the response is the problem's).
 */
export const requestMetrics = (): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context> => {
  const count = (request: { event: APIGatewayProxyEventV2; context: Context; response: HttpResponse | null; error?: unknown }): void => {
    const status = request.response?.statusCode ?? 500;
    const outcome = request.error
      ? OUTCOME_OF_PROBLEM[toHttpProblem(request.error)?.kind ?? '']
      : request.response?.headers?.['idempotent-replayed'] === 'true'
        ? METRIC.idempotentReplays
        : undefined;
    // The process's one instance, filled and written in one synchronous step: invocations that
    // share a process (npm start, Lambda managed instances) cannot interleave inside it. Cheaper
    // than a single-metric instance per request (npm run bench, per-request overhead).
    const metrics = getMetrics();
    metrics.addDimensions({ route: request.event.routeKey ?? '$default', statusClass: statusClassOf(status) });
    metrics.addMetadata('status', String(status));
    metrics.addMetadata('correlation_id', request.event.requestContext?.requestId ?? '');
    metrics.addMetadata('function_request_id', request.context.awsRequestId ?? '');
    const traceId = tracer?.getRootXrayTraceId();
    if (traceId) metrics.addMetadata('xray_trace_id', traceId);
    metrics.addMetric(METRIC.requests, MetricUnit.Count, 1);
    if (outcome) metrics.addMetric(outcome, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };
  return { after: count, onError: count };
};
