import { ProjectCreateSchema, ProjectSchema, ProjectUpdateSchema } from '@app/schema';
import type { EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';

/** A tenant's project: one partition per tenant holds them all (GET /projects is one Query). Nothing a task does writes it. */
export const projectEntity = {
  name: 'project',
  collection: 'projects',
  schemas: { item: ProjectSchema, create: ProjectCreateSchema, update: ProjectUpdateSchema },
  keys: {
    pk: [label('TENANT'), attr('tenantId')],
    sk: [label('PROJECT'), attr('projectId')],
  },
  // Its tasks (and any other child) check it at this item, in a partition of its own, never at
  // its item in the tenant's (docs/scale.md). Its task counts are items of their own (project-counts.ts).
  presence: { partition: [label('PRESENCE')], sk: [label('PROJECT')] },
  feed: { title: 'name' },
} as const satisfies EntityDeclaration;
