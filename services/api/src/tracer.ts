import { booleanFromEnv } from '@app/data';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { MiddlewareObj, Request as MiddyRequest } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from './http/response.js';

type Request = MiddyRequest<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/**
 * X-Ray tracing (Powertools Tracer): on where serverless.yml turns it on (deployed stages:
 * provider.tracing and POWERTOOLS_TRACE_ENABLED), off locally unless TRACING=1. The segment of
 * each invocation gets a subsegment per DynamoDB call (src/repositories.ts), and Powertools
 * Logger adds the trace id to each line (xray_trace_id).
 *
 * Off, the tracer is not loaded at all (`tracer` is undefined), rather than loaded and disabled:
 * the X-Ray SDK under it takes 17 ms to load (bundled, minified: a third of a hand-written
 * handler's cold start) and enables an async hook (cls-hooked) that runs on every promise of
 * the process, 7 to 9 µs per request here (npm run bench -- --only=cold,overhead, docs/benchmarks.md).
 * No HTTP client is patched (captureHTTPsRequests): the functions make no HTTP call but the
 * SDK's, which captureAWSv3Client already traces.
 */
export const tracingEnabled = booleanFromEnv('POWERTOOLS_TRACE_ENABLED', { fallback: false });

export const tracer: Tracer | undefined = tracingEnabled ? await createTracer() : undefined;

async function createTracer(): Promise<Tracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'api', captureHTTPsRequests: false });
}

/** The Powertools middleware's decision for a request: whether its handler subsegment was opened. */
const SAMPLED = 'tracer.sampled';

/**
 * Powertools' middleware for the handler's subsegment (cold start and service annotated), run
 * for the requests X-Ray samples only: on the others it opened, annotated and closed a
 * subsegment that is never sent, 6 to 8 µs a request (npm run bench -- --tracing=unsampled).
 * X-Ray's default rule samples the first request of each second and 5% of the rest. Undefined
 * while tracing is off.
 */
export function sampledHandlerTracing(): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context> | undefined {
  if (!tracer) return undefined;
  const traced = captureLambdaHandler(tracer, { captureResponse: false });
  const wasSampled = (request: Request) => (request.internal as Record<string, unknown>)[SAMPLED] === true;
  return {
    before: (request) => {
      const sampled = tracer.isTraceSampled();
      (request.internal as Record<string, unknown>)[SAMPLED] = sampled;
      if (sampled) return traced.before!(request);
      // The cold-start flag the middleware annotates from is consumed either way, so that a sampled
      // request after an unsampled first one is not annotated as the cold start (protected in
      // Powertools' types, public at run time: the middleware calls it through annotateColdStart).
      (tracer as unknown as { getColdStart(): boolean }).getColdStart();
    },
    after: (request) => (wasSampled(request) ? traced.after!(request) : undefined),
    onError: (request) => (wasSampled(request) ? traced.onError!(request) : undefined),
  };
}
