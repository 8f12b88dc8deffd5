// The middy middlewares every function shares. Written here rather than taken from
// @middy/http-security-headers: that one is built for HTML (it sets CSP and frame options on
// text/html only, and reporting headers that need an endpoint); a JSON API needs a few fixed
// headers on every response, errors and 304s included, which is a constant.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { PROBLEM_TYPES } from '@app/schema';
import { logger } from '../logger.js';
import { toHttpProblem } from './errors.js';
import type { HttpResponse } from './response.js';

type Middleware = MiddlewareObj<APIGatewayProxyEventV2, HttpResponse, Error, Context>;

/** On every response; a response may replace one (the docs page has its own CSP). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** Adds the security headers to every response, the error responses below included. */
export const securityHeaders = (): Middleware => {
  const add = async (request: { response: HttpResponse | null }) => {
    if (request.response) request.response.headers = { ...SECURITY_HEADERS, ...request.response.headers };
  };
  return { after: add, onError: add };
};

/** Turns any error into an application/problem+json response; never leaks internals. */
export const problemResponses = (): Middleware => ({
  onError: async (request) => {
    const problem = toHttpProblem(request.error);
    if (!problem || problem.status >= 500) logger.error('request failed', { error: request.error as Error });
    const { type, title, status } = PROBLEM_TYPES.internal;
    const body = problem?.toBody() ?? { type, title, status, detail: 'Something went wrong on our side.' };
    request.response = {
      statusCode: body.status,
      headers: { 'content-type': 'application/problem+json', ...problem?.extra.headers },
      body: JSON.stringify(body),
    };
  },
});

/**
 * One log line per request: method, route template, status and latency, with the request id
 * that the logger's context adds. Never the body, the path's values, the query or the caller.
 */
export const accessLog = (): Middleware => {
  const started = new WeakMap<object, number>();
  const log = async (request: { event: APIGatewayProxyEventV2; response: HttpResponse | null }) => {
    const start = started.get(request.event) ?? performance.now();
    logger.info('request', {
      method: request.event.requestContext?.http?.method,
      route: request.event.routeKey,
      status: request.response?.statusCode,
      latencyMs: Math.round(performance.now() - start),
    });
  };
  return {
    before: async (request) => {
      started.set(request.event, performance.now());
    },
    after: log,
    onError: log,
  };
};
