import { expectedVersion } from '../../http/etag.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';

/** DELETE /projects/{projectId}/tasks/{taskId} (If-Match optional) */
export const handler = route({ params: ['projectId', 'taskId'] }, async ({ identity, params, headers, repositories }) => {
  const options = { expectedVersion: expectedVersion(headers['if-match']) };
  await repositories.tasks.delete(identity.tenantId, params.projectId, params.taskId, options);
  return empty(204);
});
