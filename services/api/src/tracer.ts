import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray tracing (Powertools Tracer): on where serverless.yml turns it on (deployed stages:
 * provider.tracing and POWERTOOLS_TRACE_ENABLED), off locally unless TRACING=1; disabled, every
 * call below is a no-op. The segment of each invocation gets a subsegment per DynamoDB call
 * (src/repositories.ts), and Powertools Logger adds the trace id to each line (xray_trace_id).
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'api' });
