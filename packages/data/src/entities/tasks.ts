import { TaskCreateSchema, TaskSchema, TaskUpdateSchema } from '@app/schema';
import { childPartition, type EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';
import { projectEntity } from './projects.js';

/** A task of a project, in its project's partition; the status index lists one status's tasks. */
export const taskEntity = {
  name: 'task',
  collection: 'tasks',
  schemas: { item: TaskSchema, create: TaskCreateSchema, update: TaskUpdateSchema },
  parent: projectEntity,
  keys: {
    pk: childPartition(projectEntity),
    sk: [label('TASK'), attr('taskId')],
  },
  indexes: {
    byStatus: {
      pk: childPartition(projectEntity, label('STATUS'), attr('status')),
      sk: [label('TASK'), attr('taskId')],
    },
  },
  feed: { title: 'title' },
} as const satisfies EntityDeclaration;
