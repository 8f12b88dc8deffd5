import { conditionalGet, preconditionsOf } from '../../http/conditional.js';
import { route } from '../../http/route.js';

/** GET /projects/{projectId} (If-Match, If-None-Match) */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers, repositories }) => {
  const preconditions = preconditionsOf(headers);
  const project = await repositories.projects.get(identity.tenantId, params.projectId);
  return conditionalGet(project, preconditions);
});
