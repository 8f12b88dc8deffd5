import { conditionalGet, preconditionsOf } from '../../http/conditional.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId}/tasks/{taskId} (If-Match, If-None-Match) */
export const handler = route({ params: ['projectId', 'taskId'] }, async ({ identity, params, headers, repositories }) => {
  const preconditions = preconditionsOf(headers);
  const task = await repositories.tasks.get(identity.tenantId, params.projectId, params.taskId);
  return conditionalGet(task, preconditions);
});
