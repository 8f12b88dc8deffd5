// The middy middlewares every function shares. Written here rather than taken from
// @middy/http-security-headers: that one is built for HTML (it sets CSP and frame options on
// text/html only, and reporting headers that need an endpoint); a JSON API needs a few fixed
// headers on every response, errors and 304s included, which is a constant.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { CACHE_CONTROL_NO_STORE, PROBLEM_TYPES } from '@app/schema';
import { getLogger, invocationKeys } from '../logger.js';
import { toHttpProblem } from './errors.js';
import type { HttpResponse } from './response.js';

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/** On every response; a response may replace one (the docs page has its own CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': CACHE_CONTROL_NO_STORE,
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** Adds the security headers to every response, the error responses below included. */
export const securityHeaders = (): Middleware => {
  // Filled in place (no copy per response); a header the response sets itself wins. Not async:
  // middy awaits whatever a middleware returns, and an async function costs a promise more.
  const add = (request: { response: HttpResponse | null }): void => {
    if (!request.response) return;
    const headers = (request.response.headers ??= {});
    for (const name in SECURITY_HEADERS) headers[name] ??= SECURITY_HEADERS[name]!;
  };
  return { after: add, onError: add };
};

/** Turns any error into an application/problem+json response; never leaks internals. */
export const problemResponses = (): Middleware => ({
  onError: async (request) => {
    const problem = toHttpProblem(request.error);
    if (!problem || problem.status >= 500) {
      getLogger().error('request failed', { ...invocationKeys(request.event, request.context), error: request.error as Error });
    }
    const { type, title, status } = PROBLEM_TYPES.internal;
    const body = problem?.toBody() ?? { type, title, status, detail: 'Something went wrong on our side.' };
    request.response = {
      statusCode: body.status,
      headers: { 'content-type': 'application/problem+json', ...problem?.extra.headers },
      body: JSON.stringify(body),
    };
  },
});
