import type { EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';

/**
 * Progress of the asynchronous deletion of a deleted project's partition (its tasks, its
 * activity, anything else in it), beside the tenant's projects. Its own stream records drive
 * the work, one bounded step each (packages/data/src/projections.ts).
 */
export const cleanupEntity = {
  name: 'cleanup',
  keys: {
    pk: [label('TENANT'), attr('tenantId')],
    sk: [label('CLEANUP'), attr('projectId')],
  },
} as const satisfies EntityDeclaration;
