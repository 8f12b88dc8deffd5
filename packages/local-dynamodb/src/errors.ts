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

/** Why a request was throttled: `<Table|Index><Read|Write><limit>` and the table's or index's ARN. */
export interface ThrottlingReason {
  reason: string;
  resource: string;
}

// The messages DynamoDB gives, from the cancellation reasons of API_TransactWriteItems.html;
// the same texts come with the exceptions of single requests.
const ON_DEMAND_TABLE =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
const ON_DEMAND_INDEX =
  'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.';
const PROVISIONED_TABLE =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
const PROVISIONED_INDEX =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API.';

function throttlingMessage(onDemand: boolean, reasons: readonly ThrottlingReason[]): string {
  const onIndex = reasons.some((reason) => reason.reason.startsWith('Index'));
  if (onDemand) return onIndex ? ON_DEMAND_INDEX : ON_DEMAND_TABLE;
  return onIndex ? PROVISIONED_INDEX : PROVISIONED_TABLE;
}

/**
 * A throttled request: ThrottlingException on an on-demand table, whose model spells the
 * member `throttlingReasons` (the namespace is the one DynamoDB sends), and
 * ProvisionedThroughputExceededException with `ThrottlingReasons` on a provisioned one.
 */
export function throttlingError(onDemand: boolean, reasons: readonly ThrottlingReason[]): ApiError {
  const message = throttlingMessage(onDemand, reasons);
  return onDemand
    ? new ApiError({ __type: 'com.amazon.coral.availability#ThrottlingException', message, throttlingReasons: reasons })
    : new ApiError({ __type: `${DYNAMODB}ProvisionedThroughputExceededException`, message, ThrottlingReasons: reasons });
}

/** The cancellation reason of a throttled item of a transaction. */
export function throttledCancellation(onDemand: boolean, reasons: readonly ThrottlingReason[]): CancellationReason {
  return { Code: onDemand ? 'ThrottlingError' : 'ProvisionedThroughputExceeded', Message: throttlingMessage(onDemand, reasons) };
}

export function isThrottlingError(error: unknown): error is ApiError {
  return error instanceof ApiError && /#(ThrottlingException|ProvisionedThroughputExceededException)$/.test(error.body.__type);
}

/** The reasons a throttlingError() carries. */
export const throttlingReasonsOf = (error: ApiError): ThrottlingReason[] =>
  (error.body.throttlingReasons ?? error.body.ThrottlingReasons) as ThrottlingReason[];
