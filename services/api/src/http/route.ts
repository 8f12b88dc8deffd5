import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { toHttpProblem } from './errors.js';
import { identityOf, type Identity } from './identity.js';
import { parseJsonBody } from './json-body.js';
import { HttpProblem, PROBLEM_TYPES, validationProblem, type ValidationIssue } from './problem.js';
import type { HttpResponse } from './response.js';

type Validator<T> = (input: unknown) => { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };

export interface RouteRequest<TBody, TParam extends string> {
  event: APIGatewayProxyEventV2;
  identity: Identity;
  params: Record<TParam, string>;
  body: TBody;
  headers: Record<string, string | undefined>;
}

export interface RouteSpec<TBody, TParam extends string> {
  /** Path parameters; each must be an id this API could have issued, or the route is a 404. */
  params?: readonly TParam[];
  /** Validator of the JSON body, for routes that take one. */
  body?: Validator<TBody>;
}

/** Ids are UUIDs (v7); anything else cannot name a resource, so it needs no database call. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** Turns any error into an application/problem+json response; never leaks internals. */
const problemResponses = (): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> => ({
  onError: async (request) => {
    const problem = toHttpProblem(request.error);
    if (!problem || problem.status >= 500) logger.error('request failed', { error: request.error as Error });
    const body = problem?.toBody() ?? { ...PROBLEM_TYPES.internal, detail: 'Something went wrong on our side.' };
    request.response = {
      statusCode: body.status,
      headers: { 'content-type': 'application/problem+json', ...SECURITY_HEADERS, ...problem?.extra.headers },
      body: JSON.stringify(body),
    };
  },
});

/** Adds the headers every response carries and logs one line per request. */
const responseHeaders = (): MiddlewareObj<APIGatewayProxyEventV2, HttpResponse> => ({
  after: async (request) => {
    if (request.response) request.response.headers = { ...SECURITY_HEADERS, ...request.response.headers };
  },
});

/**
 * A route handler: the middy stack every API function shares, then the route's own code,
 * which gets the caller's identity, checked path ids and a validated body.
 */
export function route<TBody = undefined, TParam extends string = never>(
  spec: RouteSpec<TBody, TParam>,
  action: (request: RouteRequest<TBody, TParam>) => Promise<HttpResponse>,
) {
  const handle = async (event: APIGatewayProxyEventV2): Promise<HttpResponse> => {
    const identity = identityOf(event);
    const params = {} as Record<TParam, string>;
    for (const name of spec.params ?? []) {
      const value = event.pathParameters?.[name];
      if (!value || !ID.test(value)) throw new HttpProblem('notFound', `No resource at this path.`);
      params[name] = value;
    }
    let body = undefined as TBody;
    if (spec.body) {
      const result = spec.body(parseJsonBody(event));
      if (!result.ok) throw validationProblem(result.errors);
      body = result.value;
    }
    return action({ event, identity, params, body, headers: event.headers ?? {} });
  };

  return middy<APIGatewayProxyEventV2, HttpResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(responseHeaders())
    .use(problemResponses())
    .handler(handle);
}
