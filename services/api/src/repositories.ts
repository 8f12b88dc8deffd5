import { createRepositories, type Repositories } from '@app/data';

let repositories: Repositories | undefined;

/**
 * Built on first use and kept for the life of the Lambda environment; route() hands each
 * request a view of it (`forRequest`) that stamps the request's id on what it writes.
 */
export function getRepositories(): Repositories {
  repositories ??= createRepositories();
  return repositories;
}
