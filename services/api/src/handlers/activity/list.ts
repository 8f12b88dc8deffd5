import { listQueryOf } from '../../http/list-query.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId}/activity?limit=&cursor= (newest first; written by the stream consumer) */
export const handler = route({ params: ['projectId'] }, async ({ event, identity, params, repositories }) => {
  const page = await repositories.activity.list(identity.tenantId, params.projectId, listQueryOf(event, { allowStatus: false }));
  return json(200, page);
});
