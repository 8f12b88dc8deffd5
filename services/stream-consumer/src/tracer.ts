// X-Ray tracing (Powertools Tracer): on where serverless.yml turns it on (deployed stages:
// provider.tracing and POWERTOOLS_TRACE_ENABLED), off locally unless TRACING=1. Off, it is not
// loaded at all (`tracer` is undefined): the X-Ray SDK's load and the async hook it enables on
// every promise cost what services/api/src/tracer.ts measures. Powertools Logger adds the trace
// id to each line (xray_trace_id).
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { booleanFromEnv, getClients } from '@app/data';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';

export const tracer: Tracer | undefined = booleanFromEnv('POWERTOOLS_TRACE_ENABLED', { fallback: false })
  ? await createTracer()
  : undefined;

async function createTracer(): Promise<Tracer> {
  const { Tracer } = await import('@aws-lambda-powertools/tracer');
  return new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'stream-consumer', captureHTTPsRequests: false });
}

let captured = false;

/** The process's document client, each DynamoDB call a subsegment of the invocation's trace. */
export function tracedDocumentClient(): DynamoDBDocumentClient {
  const { documents, dynamodb } = getClients();
  // The document client shares the middleware stack of the client under it: capturing that one
  // captures both; once, or each call would be traced twice.
  if (tracer && !captured) tracer.captureAWSv3Client(dynamodb);
  captured = true;
  return documents;
}

/**
 * `handle` with a subsegment of its own under Lambda's segment: cold start annotated, errors
 * recorded. The functions here are plain ones, not middy stacks, hence this rather than
 * Powertools' middy middleware (services/api uses that).
 */
export function traced<E, R>(handle: (event: E, context: Context) => Promise<R>): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    if (!tracer?.isTracingEnabled()) return handle(event, context);
    const segment = tracer.getSegment();
    const subsegment = segment?.addNewSubsegment(`## ${handle.name || 'handler'}`);
    if (subsegment) tracer.setSegment(subsegment);
    tracer.annotateColdStart();
    tracer.addServiceNameAnnotation();
    try {
      return await handle(event, context);
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer.setSegment(segment);
    }
  };
}
