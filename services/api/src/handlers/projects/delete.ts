import { preconditionsOf, writeConditionOf } from '../../http/conditional.js';
import { empty } from '../../http/response.js';
import { route } from '../../http/route.js';

/** DELETE /projects/{projectId} (If-Match, If-None-Match) */
export const handler = route({ params: ['projectId'] }, async ({ identity, params, headers, repositories }) => {
  const options = writeConditionOf(preconditionsOf(headers));
  await repositories.projects.delete(identity.tenantId, params.projectId, options);
  return empty(204);
});
