import { etagOf, notModified } from '../../http/etag.js';
import { empty, json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId}/tasks/{taskId} */
export const handler = route({ params: ['projectId', 'taskId'] }, async ({ identity, params, headers, repositories }) => {
  const task = await repositories.tasks.get(identity.tenantId, params.projectId, params.taskId);
  const etag = etagOf(task);
  if (notModified(headers['if-none-match'], task)) return empty(304, { etag });
  return json(200, task, { etag });
});
