import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per process: JSON lines with the Lambda request id; item contents are never logged. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stream-consumer' });
