import { createRepositories, getClients, type Repositories } from '@app/data';
import { tracer } from './tracer.js';

let repositories: Repositories | undefined;

/**
 * Built on first use and kept for the life of the Lambda environment; route() hands each
 * request a view of it (`forRequest`) that stamps the request's id on what it writes.
 */
export function getRepositories(): Repositories {
  if (!repositories) {
    // Each DynamoDB call a subsegment of the invocation's trace (when tracing is on): the
    // document client shares the middleware stack of the client under it, so both are captured.
    const { documents, dynamodb } = getClients();
    repositories = createRepositories({ client: documents, dynamodb: tracer ? tracer.captureAWSv3Client(dynamodb) : dynamodb });
  }
  return repositories;
}
