import { createRepositories, type Repositories } from '@app/data';
import { currentRequestId } from './request-context.js';

let repositories: Repositories | undefined;

/** Built on first use and kept for the life of the Lambda environment. */
export function getRepositories(): Repositories {
  repositories ??= createRepositories({ requestId: currentRequestId });
  return repositories;
}
