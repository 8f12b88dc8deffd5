import { listQueryOf } from '../../http/list-query.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** GET /projects?limit=&cursor= */
export const handler = route({}, async ({ event, identity, repositories }) => {
  const page = await repositories.projects.list(identity.tenantId, listQueryOf(event, { allowStatus: false }));
  return json(200, page);
});
