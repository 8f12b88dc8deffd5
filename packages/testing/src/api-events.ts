// API Gateway HTTP API (payload 2.0) events, built from the route table of packages/schema:
// the routeKey is the route's template (`PATCH /projects/{projectId}`), as API Gateway sends
// it, so that whatever a handler keys on it (the Idempotency-Key scope, log lines) is what
// production sees. Handlers are invoked as Lambda would, and their responses read back.
import { randomUUID } from 'node:crypto';
import { routeOf, type OperationId } from '@app/schema';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';

export interface ApiRequest {
  /** Path parameters, put into the route's template for the raw path. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as JSON, with `content-type: application/json` unless `headers` name another. */
  body?: unknown;
  /** Sent as it is, instead of `body`. */
  rawBody?: string;
  /** Verified JWT claims, as API Gateway's authorizer passes them; `null` for none (a public route). */
  claims?: Record<string, string> | null;
  /** API Gateway's id of the request; a fresh one by default. */
  requestId?: string;
}

/** The claims of the caller tests use unless they name another. */
export const DEFAULT_CLAIMS: Readonly<Record<string, string>> = { sub: 'user-1', tenant: 'acme' };

// A lone UTF-16 surrogate (hostile input) cannot be encoded in a URL: in the raw path it becomes
// U+FFFD, as URLSearchParams makes it in the query; pathParameters keep the value as given.
const LONE_SURROGATE = /\p{Surrogate}/gu;

function fillTemplate(template: string, params: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent((params[name] ?? `{${name}}`).replace(LONE_SURROGATE, '\ufffd')),
  );
}

function buildEvent(routeKey: string, method: string, rawPath: string, request: ApiRequest): APIGatewayProxyEventV2 {
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  const claims = request.claims === undefined ? DEFAULT_CLAIMS : request.claims;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: new URLSearchParams(request.query ?? {}).toString(),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers },
    queryStringParameters: request.query,
    pathParameters: request.params,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: request.requestId ?? `apigw-${randomUUID()}`,
      routeKey,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(claims === null ? {} : { authorizer: { jwt: { claims: { ...claims }, scopes: [] } } }),
    },
  } as APIGatewayProxyEventV2;
}

/** The event API Gateway sends a route's function, by the route's operationId. */
export function apiEvent(operationId: OperationId, request: ApiRequest = {}): APIGatewayProxyEventV2 {
  const route = routeOf(operationId);
  const method = route.method.toUpperCase();
  const claims = request.claims === undefined && route.public ? null : request.claims;
  return buildEvent(`${method} ${route.path}`, method, fillTemplate(route.path, request.params ?? {}), { ...request, claims });
}

/** The event of API Gateway's `$default` route: a method and path that no route takes. */
export function defaultRouteEvent(method: string, path: string, request: ApiRequest = {}): APIGatewayProxyEventV2 {
  return buildEvent('$default', method, path, request);
}

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface ApiReply {
  status: number;
  headers: Record<string, string>;
  /** The body parsed as JSON when it is JSON, else the text; undefined when empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

/** Invokes `handler` with `event` (and a fresh Lambda context), as Lambda would. */
export async function invoke(handler: ApiHandler, event: APIGatewayProxyEventV2, context: Context = lambdaContext()): Promise<ApiReply> {
  const result = await handler(event, context);
  const headers = (result.headers ?? {}) as Record<string, string>;
  const text = result.body ?? '';
  const json = /json/.test(headers['content-type'] ?? '');
  return { status: result.statusCode ?? 200, headers, body: text === '' ? undefined : json ? JSON.parse(text) : text };
}
