import { validateTaskUpdate } from '@app/schema';
import { etagOf, preconditionsOf, writeConditionOf } from '../../http/conditional.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** PATCH /projects/{projectId}/tasks/{taskId} (JSON merge patch; If-Match, If-None-Match) */
export const handler = route(
  { params: ['projectId', 'taskId'], body: validateTaskUpdate },
  async ({ identity, params, body, headers, repositories }) => {
    const options = writeConditionOf(preconditionsOf(headers));
    const task = await repositories.tasks.update(identity.tenantId, params.projectId, params.taskId, body, options);
    return json(200, task, { etag: etagOf(task) });
  },
);
