import { childPartition, type EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';
import { projectEntity } from './projects.js';

/**
 * What the project's counts hold of one task: the status it is counted under, or nothing (a
 * tombstone) once its deletion is counted. The stream consumer writes it in the same
 * transaction as the counts, so the counts are always the sum of these entries, and the
 * recount compares them with the tasks themselves (projections.ts, recount.ts).
 */
export const countedTaskEntity = {
  name: 'counted-task',
  parent: projectEntity,
  keys: {
    pk: childPartition(projectEntity),
    sk: [label('COUNTED'), attr('taskId')],
  },
} as const satisfies EntityDeclaration;
