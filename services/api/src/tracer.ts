import { booleanFromEnv } from '@app/data';
import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * X-Ray tracing (Powertools Tracer): on where serverless.yml turns it on (deployed stages:
 * provider.tracing and POWERTOOLS_TRACE_ENABLED), off locally unless TRACING=1. The segment of
 * each invocation gets a subsegment per DynamoDB call (src/repositories.ts), and Powertools
 * Logger adds the trace id to each line (xray_trace_id).
 *
 * Off, the tracer is not loaded at all (`tracer` is undefined), rather than loaded and disabled:
 * the X-Ray SDK under it takes 17 ms to load (bundled, minified: 40% of a hand-written
 * handler's cold start) and enables an async hook (cls-hooked) that runs on every promise of
 * the process, about 8 µs per request here (npm run bench -- --only=cold,overhead, docs/benchmarks.md).
 * No HTTP client is patched (captureHTTPsRequests): the functions make no HTTP call but the
 * SDK's, which captureAWSv3Client already traces.
 */
export const tracingEnabled = booleanFromEnv('POWERTOOLS_TRACE_ENABLED', { fallback: false });

export const tracer: Tracer | undefined = tracingEnabled ? await createTracer() : undefined;

async function createTracer(): Promise<Tracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'api', captureHTTPsRequests: false });
}
