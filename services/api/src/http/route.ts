import { ID_PATTERN, RETRY_AFTER_SECONDS } from '@app/schema';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Repositories } from '@app/data';
import { getRepositories } from '../repositories.js';
import { sampledHandlerTracing } from '../tracer.js';
import type { Idempotency } from './idempotency.js';
import { identityOf, type Identity } from './identity.js';
import { parseJsonBody } from './json-body.js';
import { requestMetrics } from './metrics.js';
import { problemResponses, securityHeaders } from './middlewares.js';
import { HttpProblem, validationProblem, type ValidationIssue } from './problem.js';
import type { HttpResponse } from './response.js';

type Validator<T> = (input: unknown) => { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

export interface RouteRequest<TBody, TParam extends string> {
  event: APIGatewayProxyEventV2;
  identity: Identity;
  params: Record<TParam, string>;
  body: TBody;
  headers: Record<string, string | undefined>;
  /** The data layer, stamping this request's id on what it writes (the consumer logs it). */
  repositories: Repositories;
}

export interface RouteSpec<TBody, TParam extends string> {
  /** Path parameters; each must be an id this API could have issued, or the route is a 404. */
  params?: readonly TParam[];
  /** Validator of the JSON body, for routes that take one. */
  body?: Validator<TBody>;
  /**
   * Honour an Idempotency-Key header (POST routes): pass `idempotency` from idempotency.ts.
   * Passed in, not imported here, so that only the functions that use it bundle (and load) the
   * Powertools idempotency utility and its JMESPath engine (npm run bench: ~70 KB each).
   */
  idempotency?: Idempotency;
}

const ID = new RegExp(ID_PATTERN);

/**
 * The function answers before Lambda's own timeout cuts it off: a 503 the client can retry,
 * instead of API Gateway's bare 500/503. Each SDK call gives up well within the rest
 * (packages/data's attempts and timeouts; services/api/test/timeouts.test.ts checks the arithmetic).
 */
export const TIMEOUT_MARGIN_MS = 1_000;
const answerBeforeLambdaTimeout = {
  timeoutEarlyInMillis: TIMEOUT_MARGIN_MS,
  timeoutEarlyResponse: () => {
    throw new HttpProblem('serviceUnavailable', 'The request took too long: retry after a short wait.', {
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    });
  },
};

/**
 * The middy stack every function shares (public ones too): trace (when tracing is on), headers,
 * metrics, problems, time limit. The trace's segment spans the rest (src/tracer.ts); the metrics count the
 * response as the client gets it (src/http/metrics.ts).
 * No access-log line: API Gateway writes one per request (serverless.yml, provider.logs.httpApi),
 * the 5xx and timeouts a function cannot report included; the function logs only what went
 * wrong (middlewares.ts), with the invocation's ids.
 */
export function httpHandler(handle: (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>) {
  const stack = middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>(answerBeforeLambdaTimeout);
  const tracing = sampledHandlerTracing();
  if (tracing) stack.use(tracing);
  return stack.use(httpHeaderNormalizer()).use(securityHeaders()).use(requestMetrics()).use(problemResponses()).handler(handle);
}

/**
 * A route handler: the shared stack, then the route's own code, which gets the caller's
 * identity, checked path ids and a validated body, at most once per Idempotency-Key.
 */
export function route<TBody = undefined, TParam extends string = never>(
  spec: RouteSpec<TBody, TParam>,
  action: (request: RouteRequest<TBody, TParam>) => Promise<HttpResponse>,
) {
  return httpHandler(async (event, context) => {
    const identity = identityOf(event);
    const params = {} as Record<TParam, string>;
    for (const name of spec.params ?? []) {
      const value = event.pathParameters?.[name];
      if (!value || !ID.test(value)) throw new HttpProblem('notFound', `No resource at this path.`);
      params[name] = value;
    }
    const headers = event.headers ?? {};
    const key = spec.idempotency?.keyOf(headers);
    let body = undefined as TBody;
    if (spec.body) {
      const result = spec.body(parseJsonBody(event));
      if (!result.ok) throw validationProblem(result.errors);
      body = result.value;
    }
    // Lambda's id of this invocation: unique everywhere (sls offline gives every event one fixed
    // requestContext.requestId), in the function's own log lines (function_request_id), and
    // joined to API Gateway's request id by the access log (integrationRequestId).
    const repositories = getRepositories().forRequest(context.awsRequestId);
    const request = { event, identity, params, body, headers, repositories };
    if (key === undefined || !spec.idempotency) return action(request);
    const records = repositories.idempotencyRecords(identity.tenantId);
    const scope = { key, tenantId: identity.tenantId, route: event.routeKey, request: { params, body }, records };
    return spec.idempotency.run(scope, context, () => action(request));
  });
}
