import { expectedVersion } from '../../http/etag.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';

/** DELETE /projects/{projectId} (If-Match optional) */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers, repositories }) => {
  const options = { expectedVersion: expectedVersion(headers['if-match']) };
  await repositories.projects.delete(identity.tenantId, params.projectId, options);
  return empty(204);
});
