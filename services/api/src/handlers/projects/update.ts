import { validateProjectUpdate } from '@app/schema';
import { etagOf, preconditionsOf, writeConditionOf } from '../../http/conditional.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** PATCH /projects/{projectId} (JSON merge patch; If-Match, If-None-Match) */
export const handler = route(
  { params: ['projectId'], body: validateProjectUpdate },
  async ({ identity, params, body, headers, repositories }) => {
    const options = writeConditionOf(preconditionsOf(headers));
    const project = await repositories.projects.update(identity.tenantId, params.projectId, body, options);
    return json(200, project, { etag: etagOf(project) });
  },
);
