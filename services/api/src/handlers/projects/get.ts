import { etagOf, notModified } from '../../http/etag.js';
import { empty, json } from '../../http/response.js';
import { route } from '../../http/route.js';
import { getRepositories } from '../../repositories.js';

/** GET /projects/{projectId} */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers }) => {
  const project = await getRepositories().projects.get(identity.tenantId, params.projectId);
  const etag = etagOf(project);
  if (notModified(headers['if-none-match'], project)) return empty(304, { etag });
  return json(200, project, { etag });
});
