// Idempotency-Key on POST, with the Powertools idempotency utility persisting in the API's own
// table. Its function wrapper (makeIdempotent) rather than its middy middleware: the key is
// derived from the verified identity and the validated request, which only exist once route()
// has read the event. Records live in the caller's tenant partition, so one tenant's key can
// never reach another's record, and they expire through the table's TTL attribute.
import type { IdempotencyRecordsLocation } from '@app/data';
import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENCY_KEY_TTL_SECONDS, RETRY_AFTER_SECONDS } from '@app/schema';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyInconsistentStateError,
  IdempotencyPersistenceLayerError,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { getLogger, invocationKeys } from '../logger.js';
import { serviceUnavailable } from './errors.js';
import { HttpProblem, validationProblem } from './problem.js';
import type { HttpResponse } from './response.js';

const KEY = new RegExp(IDEMPOTENCY_KEY_PATTERN);

/** The request's Idempotency-Key, undefined when absent; a malformed one is a 400. */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!KEY.test(key)) {
    throw validationProblem([{ pointer: '/headers/idempotency-key', message: 'must be 1 to 255 letters, digits or ._~:+/=- characters' }]);
  }
  return key;
}

export interface IdempotentRequest {
  key: string;
  tenantId: string;
  /** The route template (API Gateway's route key): a key is only ever replayed on its own route. */
  route: string;
  /** What must be equal for a repeat to be "the same request": path parameters and body. */
  request: unknown;
  /** Where the tenant's records are kept: the data layer says (Repositories.idempotencyRecords). */
  records: IdempotencyRecordsLocation;
}

/** A stored response, marked as a replay. */
const replayed = <T>(stored: T): T => {
  const response = stored as unknown as HttpResponse;
  return { ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } } as unknown as T;
};

/**
 * Runs `action` at most once per (tenant, route, key): a repeat gets the stored response, a
 * repeat with another request a 422 and a repeat while the first runs a 409 (problemOf, below,
 * maps them). A failed action stores nothing, so the client can retry with the same key.
 */
export async function runIdempotently(
  scope: IdempotentRequest,
  context: Context,
  action: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const persistenceStore = new DynamoDBPersistenceLayer(scope.records);
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'scope',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: IDEMPOTENCY_KEY_TTL_SECONDS,
    responseHook: replayed,
  });
  config.registerLambdaContext(context);

  let produced: HttpResponse | undefined;
  const once = makeIdempotent(async (_payload: unknown) => (produced = await action()), {
    persistenceStore,
    config,
    keyPrefix: scope.route,
  });
  try {
    return (await once({ scope: [scope.tenantId, scope.route, scope.key], request: scope.request })) as HttpResponse;
  } catch (error) {
    // The resource was created but its response could not be stored: answer what happened
    // (the record stays in progress and expires), rather than invite a retry that would duplicate.
    if (produced && error instanceof IdempotencyPersistenceLayerError) {
      getLogger().warn('idempotent response not stored', { ...invocationKeys({ routeKey: scope.route }, context), error });
      return produced;
    }
    throw problemOf(error) ?? error;
  }
}

/** The utility's own errors as the client's problems; anything else (the action's) goes on as it is. */
function problemOf(error: unknown): HttpProblem | undefined {
  if (error instanceof IdempotencyValidationError) {
    return new HttpProblem('idempotencyKeyReused', 'This Idempotency-Key was used with a different request: send a new key.', {
      errors: [{ pointer: '/headers/idempotency-key', message: 'was already used with a different request' }],
    });
  }
  if (error instanceof IdempotencyAlreadyInProgressError || error instanceof IdempotencyInconsistentStateError) {
    return new HttpProblem('idempotencyInProgress', 'A request with this Idempotency-Key is still in progress: retry shortly.', {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  }
  // The idempotency store failing is the store, not the request: transient or not, retry later.
  if (error instanceof IdempotencyPersistenceLayerError) return serviceUnavailable();
  return undefined;
}

/** What route() takes as `idempotency` (src/http/route.ts). */
export interface Idempotency {
  keyOf: typeof idempotencyKeyOf;
  run: typeof runIdempotently;
}

export const idempotency: Idempotency = { keyOf: idempotencyKeyOf, run: runIdempotently };
