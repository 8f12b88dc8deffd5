import { validateProjectUpdate } from '@app/schema';
import { etagOf, expectedVersion } from '../../http/etag.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** PATCH /projects/{projectId} (JSON merge patch; If-Match optional) */
export const handler = route(
  { params: ['projectId'], body: validateProjectUpdate },
  async ({ identity, params, body, headers, repositories }) => {
    const options = { expectedVersion: expectedVersion(headers['if-match']) };
    const project = await repositories.projects.update(identity.tenantId, params.projectId, body, options);
    return json(200, project, { etag: etagOf(project) });
  },
);
