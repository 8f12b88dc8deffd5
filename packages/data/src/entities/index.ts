/**
 * The single-table design: every entity of the table, each declared once, as data, in its own
 * module here (keys from key templates, attributes from the API's schemas: ../entity.ts).
 *
 *   entity      pk                                     sk                                gsi1pk / gsi1sk
 *   project     TENANT#<tenantId>                      PROJECT#<projectId>
 *   cleanup     TENANT#<tenantId>                      CLEANUP#<projectId>
 *   task        TENANT#<tenantId>#PROJECT#<projectId>  TASK#<taskId>                     ...#STATUS#<status> / TASK#<taskId>
 *   activity    TENANT#<tenantId>#PROJECT#<projectId>  ACTIVITY#<occurredAt>#<activityId>
 *   counted     TENANT#<tenantId>#PROJECT#<projectId>  COUNTED#<taskId>
 *   tenant      TENANTS                                TENANT#<tenantId>
 *   idempotency TENANT#<tenantId>#IDEMPOTENCY          <route and key hash>              (Powertools)
 *
 * A tenant's projects are one partition (GET /projects is one Query); a project's tasks,
 * activity and other items are another (GET /projects/{id}/tasks, /activity), so deleting a
 * project means emptying one partition. gsi1 serves the task list filtered by status. Ids are
 * UUIDv7, so sort keys, and therefore lists, follow creation order; activity sorts by commit time.
 */
import type { EntityDeclaration } from '../entity.js';
import { activityEntity } from './activity.js';
import { cleanupEntity } from './cleanup.js';
import { countedTaskEntity } from './counted-tasks.js';
import { idempotencyEntity } from './idempotency.js';
import { projectEntity } from './projects.js';
import { taskEntity } from './tasks.js';
import { tenantEntity } from './tenants.js';
// new:resource: entity imports

export { activityEntity, cleanupEntity, countedTaskEntity, idempotencyEntity, projectEntity, taskEntity, tenantEntity };
// new:resource: entity exports

/** Every entity, by the `entity` attribute of its items (the stream consumer dispatches on it). */
export const ENTITIES: Readonly<Record<string, EntityDeclaration>> = {
  project: projectEntity,
  task: taskEntity,
  activity: activityEntity,
  cleanup: cleanupEntity,
  'counted-task': countedTaskEntity,
  tenant: tenantEntity,
  idempotency: idempotencyEntity,
  // new:resource: entities
};
