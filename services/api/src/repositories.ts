import { createRepositories, getDocumentClient, type Repositories } from '@app/data';
import { tracer } from './tracer.js';

let repositories: Repositories | undefined;

/**
 * Built on first use and kept for the life of the Lambda environment; route() hands each
 * request a view of it (`forRequest`) that stamps the request's id on what it writes.
 */
export function getRepositories(): Repositories {
  // Each DynamoDB call a subsegment of the invocation's trace (when tracing is on).
  repositories ??= createRepositories({ client: tracer.captureAWSv3Client(getDocumentClient()) });
  return repositories;
}
