import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

let logger: Logger | undefined;

/**
 * One logger per process, built on first use: a request that succeeds logs nothing (API
 * Gateway writes the access log: serverless.yml, provider.logs.httpApi), so a cold start does
 * not pay for it. Bodies and identities are never logged.
 */
export function getLogger(): Logger {
  logger ??= new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'api' });
  return logger;
}

/**
 * The invocation's keys, given with each line rather than stored in the logger
 * (injectLambdaContext would append them to it): the logger holds no per-request state, so
 * invocations that share a process (sls offline in process, Lambda managed instances) cannot
 * stamp each other's ids, and a request that logs nothing pays nothing for them.
 */
export function invocationKeys(event: Partial<APIGatewayProxyEventV2>, context: Partial<Context>) {
  return {
    function_name: context.functionName,
    function_request_id: context.awsRequestId,
    correlation_id: event.requestContext?.requestId,
    route: event.routeKey,
  };
}
