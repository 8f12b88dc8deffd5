import { preconditionsOf, writeConditionOf } from '../../http/conditional.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';

/** DELETE /projects/{projectId}/tasks/{taskId} (If-Match, If-None-Match) */
export const handler = route({ params: ['projectId', 'taskId'] }, async ({ identity, params, headers, repositories }) => {
  const options = writeConditionOf(preconditionsOf(headers));
  await repositories.tasks.delete(identity.tenantId, params.projectId, params.taskId, options);
  return empty(204);
});
