import { listQueryOf } from '../../http/list-query.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId}/tasks?status=&limit=&cursor= */
export const handler = route({ params: ['projectId'] }, async ({ event, identity, params, repositories }) => {
  const query = listQueryOf(event, { allowStatus: true });
  const page = await repositories.tasks.list(identity.tenantId, params.projectId, query);
  return json(200, page);
});
