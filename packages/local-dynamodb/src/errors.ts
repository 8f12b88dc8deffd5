// DynamoDB's errors on the wire: HTTP 400 (or 500) with a JSON body
// `{"__type": "<namespace>#<Name>", "message": "..."}`. The SDKs and the AWS CLI take the
// name after `#`; the namespaces are the ones DynamoDB itself sends, so that anything
// matching on the full `__type` also matches. dynalite's own errors have the same
// shape (`statusCode` + `body`), so both kinds travel through the same code.
import type { DynaliteError } from './dynalite.js';

const DYNAMODB = 'com.amazonaws.dynamodb.v20120810#';
const CORAL_VALIDATE = 'com.amazon.coral.validate#';
const CORAL_SERVICE = 'com.amazon.coral.service#';

export interface ErrorBody {
  __type: string;
  message?: string;
  /** TransactionCanceledException spells it `Message`. */
  Message?: string;
  [member: string]: unknown;
}

export class ApiError extends Error implements DynaliteError {
  readonly statusCode: number;
  readonly body: ErrorBody;

  constructor(body: ErrorBody, statusCode = 400) {
    super(body.message ?? body.Message ?? body.__type);
    this.name = body.__type.slice(body.__type.indexOf('#') + 1);
    this.statusCode = statusCode;
    this.body = body;
  }
}

/** An error that already carries a DynamoDB response (ours or dynalite's). */
export function isApiError(error: unknown): error is { statusCode: number; body: ErrorBody } {
  return !!error && typeof error === 'object' && typeof (error as DynaliteError).statusCode === 'number' && !!(error as DynaliteError).body;
}

/** The `__type` name after `#`, e.g. `ConditionalCheckFailedException`. */
export function errorName(error: { body: ErrorBody }): string {
  return error.body.__type.slice(error.body.__type.indexOf('#') + 1);
}

export const validationError = (message: string): ApiError => new ApiError({ __type: `${CORAL_VALIDATE}ValidationException`, message });

/** `Value 'x' at 'path' failed to satisfy constraint: ...`, joined as DynamoDB joins them. */
export function constraintError(violations: string[]): ApiError {
  const count = violations.length;
  return validationError(`${count} validation error${count > 1 ? 's' : ''} detected: ${violations.join('; ')}`);
}

export const resourceNotFound = (message = 'Requested resource not found'): ApiError =>
  new ApiError({ __type: `${DYNAMODB}ResourceNotFoundException`, message });

export const serializationError = (message?: string): ApiError =>
  new ApiError({ __type: `${CORAL_SERVICE}SerializationException`, ...(message ? { Message: message } : {}) });

export const unknownOperation = (): ApiError => new ApiError({ __type: `${CORAL_SERVICE}UnknownOperationException` });

export const missingAuthenticationToken = (): ApiError =>
  new ApiError({ __type: `${CORAL_SERVICE}MissingAuthenticationTokenException`, message: 'Request is missing Authentication Token' });

export const internalServerError = (message = 'Internal server error'): ApiError =>
  new ApiError({ __type: `${DYNAMODB}InternalServerError`, message }, 500);

/** PutItem/UpdateItem/DeleteItem whose condition is false; `Item` with ALL_OLD. */
export function conditionalCheckFailed(item?: Record<string, unknown>): ApiError {
  return new ApiError({
    __type: `${DYNAMODB}ConditionalCheckFailedException`,
    message: 'The conditional request failed',
    ...(item ? { Item: item } : {}),
  });
}

export interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

export function transactionCanceled(reasons: CancellationReason[]): ApiError {
  return new ApiError({
    __type: `${DYNAMODB}TransactionCanceledException`,
    Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`,
    CancellationReasons: reasons,
  });
}

export const idempotentParameterMismatch = (): ApiError =>
  new ApiError({
    __type: `${DYNAMODB}IdempotentParameterMismatchException`,
    message: 'Request parameters do not match the original request with the same ClientRequestToken',
  });

export const transactionInProgress = (): ApiError =>
  new ApiError({
    __type: `${DYNAMODB}TransactionInProgressException`,
    message: 'The transaction with the given request token is already in progress.',
  });

export const expiredIterator = (): ApiError => new ApiError({ __type: `${DYNAMODB}ExpiredIteratorException`, message: 'Iterator expired' });

export const trimmedDataAccess = (): ApiError =>
  new ApiError({
    __type: `${DYNAMODB}TrimmedDataAccessException`,
    message: 'The operation attempted to read past the oldest stream record in a shard',
  });
