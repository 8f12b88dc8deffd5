import { etagOf, notModified } from '../../http/etag.js';
import { empty, json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId} */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers, repositories }) => {
  const project = await repositories.projects.get(identity.tenantId, params.projectId);
  const etag = etagOf(project);
  if (notModified(headers['if-none-match'], project)) return empty(304, { etag });
  return json(200, project, { etag });
});
