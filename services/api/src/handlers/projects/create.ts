import { validateProjectCreate } from '@app/schema';
import { etagOf } from '../../http/conditional.js';
import { idempotency } from '../../http/idempotency.js';
import { json } from '../../http/response.js';
import { route } from '../../http/route.js';

/** POST /projects (Idempotency-Key honoured) */
export const handler = route({ body: validateProjectCreate, idempotency }, async ({ identity, body, repositories }) => {
  const project = await repositories.projects.create(identity.tenantId, body);
  return json(201, project, { location: `/projects/${project.id}`, etag: etagOf(project) });
});
