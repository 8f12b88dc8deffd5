// Builds API Gateway HTTP API (payload 2.0) events and invokes handlers as Lambda would.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from '../src/http/response.js';

export interface RequestSpec {
  method: string;
  path: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  /** Verified JWT claims as API Gateway passes them; `null` for a request without any. */
  claims?: Record<string, string> | null;
}

export const DEFAULT_CLAIMS = { sub: 'user-1', tenant: 'acme' };

let requestCount = 0;

export function httpEvent(spec: RequestSpec): APIGatewayProxyEventV2 {
  const requestId = `test-request-${++requestCount}`;
  const body = spec.rawBody ?? (spec.body === undefined ? undefined : JSON.stringify(spec.body));
  return {
    version: '2.0',
    routeKey: `${spec.method} ${spec.path}`,
    rawPath: spec.path,
    rawQueryString: new URLSearchParams(spec.query ?? {}).toString(),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...spec.headers },
    queryStringParameters: spec.query,
    pathParameters: spec.pathParameters,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: spec.method, path: spec.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      requestId,
      routeKey: `${spec.method} ${spec.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(spec.claims === null ? {} : { authorizer: { jwt: { claims: spec.claims ?? DEFAULT_CLAIMS, scopes: [] } } }),
    },
  } as APIGatewayProxyEventV2;
}

export function lambdaContext(name = 'test-function'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `aws-request-${++requestCount}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

export interface Response {
  status: number;
  headers: Record<string, string>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

export async function invoke(handler: Handler, spec: RequestSpec): Promise<Response> {
  const result = await handler(httpEvent(spec), lambdaContext());
  return { status: result.statusCode, headers: result.headers, body: result.body ? JSON.parse(result.body) : undefined };
}
