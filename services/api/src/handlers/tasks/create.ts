import { validateTaskCreate } from '@app/schema';
import { etagOf } from '../../http/conditional.js';
import { idempotency } from '../../http/idempotency.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** POST /projects/{projectId}/tasks (Idempotency-Key honoured) */
export const handler = route(
  { params: ['projectId'], body: validateTaskCreate, idempotency },
  async ({ identity, params, body, repositories }) => {
    const task = await repositories.tasks.create(identity.tenantId, params.projectId, body);
    return json(201, task, { location: `/projects/${task.projectId}/tasks/${task.id}`, etag: etagOf(task) });
  },
);
