import { DataError } from '@app/data';
import { RETRY_AFTER_SECONDS } from '@app/schema';
import { HttpProblem } from './problem.js';

/** DynamoDB and SDK errors that mean "try again shortly", not "your request is wrong". */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionConflictException',
]);
/** Network failures reaching DynamoDB at all. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

type ErrorLike = { name?: string; code?: string; cause?: unknown; $metadata?: { httpStatusCode?: number } } | null | undefined;

/** True when the error, or one it wraps (an idempotency store failure, say), is transient. */
export function isTransient(error: unknown, depth = 0): boolean {
  const e = error as ErrorLike;
  if (!e || typeof e !== 'object' || depth > 5) return false;
  const status = e.$metadata?.httpStatusCode ?? 0;
  if ((e.name && RETRYABLE.has(e.name)) || (e.code && NETWORK_CODES.has(e.code)) || status === 429 || status >= 500) return true;
  return isTransient(e.cause, depth + 1);
}

export const serviceUnavailable = () =>
  new HttpProblem('serviceUnavailable', 'The service is busy: nothing was changed; retry after a short wait.', {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
  });

/** Maps whatever a handler threw to the problem the client gets; undefined means a 500. */
export function toHttpProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DataError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return new HttpProblem('notFound', error.message);
      case 'CONFLICT':
        return new HttpProblem('conflict', error.message);
      case 'PRECONDITION_FAILED':
        return new HttpProblem('preconditionFailed', 'The resource has changed since you read it: fetch it again and retry.');
      case 'INVALID_CURSOR':
        return new HttpProblem('invalidCursor', 'The cursor was not issued for this list: start again without it.', {
          errors: [{ pointer: '/query/cursor', message: 'is not a cursor issued for this list' }],
        });
    }
  }
  // The Idempotency-Key utility's own errors become problems where it runs (idempotency.ts):
  // importing them here would put it in every function's bundle.
  if (isTransient(error)) return serviceUnavailable();
  return undefined;
}
