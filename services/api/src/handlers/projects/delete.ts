import { expectedVersion } from '../../http/etag.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';
import { getRepositories } from '../../repositories.js';

/** DELETE /projects/{projectId} (If-Match optional) */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers }) => {
  const options = { expectedVersion: expectedVersion(headers['if-match']) };
  await getRepositories().projects.delete(identity.tenantId, params.projectId, options);
  return empty(204);
});
