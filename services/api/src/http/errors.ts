import { DataError } from '@app/data';
import { HttpProblem } from './problem.js';

/** DynamoDB errors that mean "try again shortly", not "your request is wrong". */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'TransactionConflictException',
]);

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
  const name = (error as { name?: string } | null)?.name;
  if (name && RETRYABLE.has(name)) {
    return new HttpProblem('serviceUnavailable', 'The service is busy: retry after a short wait.', { headers: { 'retry-after': '1' } });
  }
  return undefined;
}
