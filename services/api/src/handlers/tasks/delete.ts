import { expectedVersion } from '../../http/etag.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';
import { getRepositories } from '../../repositories.js';

/** DELETE /projects/{projectId}/tasks/{taskId} (If-Match optional) */
export const handler = route({ params: ['projectId', 'taskId'] }, async ({ identity, params, headers }) => {
  const options = { expectedVersion: expectedVersion(headers['if-match']) };
  await getRepositories().tasks.delete(identity.tenantId, params.projectId, params.taskId, options);
  return empty(204);
});
