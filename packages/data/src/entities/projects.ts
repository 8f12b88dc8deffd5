import { ProjectCreateSchema, ProjectSchema, ProjectUpdateSchema, TASK_STATUSES } from '@app/schema';
import type { EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';

/** A tenant's project: one partition per tenant holds them all (GET /projects is one Query). */
export const projectEntity = {
  name: 'project',
  collection: 'projects',
  schemas: { item: ProjectSchema, create: ProjectCreateSchema, update: ProjectUpdateSchema },
  keys: {
    pk: [label('TENANT'), attr('tenantId')],
    sk: [label('PROJECT'), attr('projectId')],
  },
  // Kept by the stream consumer as tasks come, change status and go. (A marked pure call, so
  // that a bundle that never reads the declaration drops it.)
  initial: { taskCounts: /* @__PURE__ */ Object.fromEntries([['total', 0], ...TASK_STATUSES.map((status) => [status, 0])]) },
  feed: { title: 'name' },
} as const satisfies EntityDeclaration;
