import { ActivityEntrySchema } from '@app/schema';
import { childPartition, type EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';
import { projectEntity } from './projects.js';

/**
 * An entry of a project's activity feed, in the project's partition (written by the stream
 * consumer). Its key is derived from the stream record, so a replay writes nothing new; its
 * sort key starts with the commit time, so the feed reads newest first.
 */
export const activityEntity = {
  name: 'activity',
  collection: 'activity',
  schemas: { item: ActivityEntrySchema },
  parent: projectEntity,
  keys: {
    pk: childPartition(projectEntity),
    sk: [label('ACTIVITY'), attr('occurredAt'), attr('activityId')],
  },
} as const satisfies EntityDeclaration;
