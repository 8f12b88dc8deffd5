import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/jmespath';
import type { JSONObject } from '@aws-lambda-powertools/commons/types';

/**
 * One logger per process: JSON lines with the Lambda request id and, as correlation_id, API
 * Gateway's request id (src/http/route.ts). Bodies and identities are never logged.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'api', correlationIdSearchFn: (expression, data) => search(expression, data as JSONObject) });
