// /projects/{projectId}/activity: a project's feed of changes, written by the stream consumer
// (services/stream-consumer) from the table's changes to the project and the items in it.
import type { Infer } from '../infer.js';
import { dateTimeProp, idProp } from '../properties.js';
import { LIST_QUERY, type RouteDefinition, type Tag } from '../route-definition.js';

/** `<item>.created|updated|deleted` for each kind of item recorded in its project's feed, and the project's own updates. */
export const ACTIVITY_TYPES = [
  'task.created',
  'task.updated',
  'task.deleted',
  'project.updated',
  // new:resource: activity types
] as const;

const changedValue = { type: ['string', 'null'], maxLength: 2000 } as const;

// One entry of a project's activity feed.
export const ActivityEntrySchema = {
  $id: 'ActivityEntry',
  type: 'object',
  required: ['id', 'projectId', 'type', 'occurredAt'],
  properties: {
    id: idProp,
    projectId: idProp,
    type: { type: 'string', enum: ACTIVITY_TYPES },
    taskId: { ...idProp, description: 'The task concerned, for task.* entries.' },
    // new:resource: activity item ids
    title: { type: 'string', maxLength: 200, description: 'The title or name of the item or project concerned, at the time.' },
    changes: {
      type: 'object',
      description: 'For *.updated entries: each changed field with its value before and after (null: absent).',
      maxProperties: 10,
      additionalProperties: {
        type: 'object',
        required: ['from', 'to'],
        properties: { from: changedValue, to: changedValue },
        additionalProperties: false,
      },
    },
    occurredAt: { ...dateTimeProp, description: 'When the change was committed to the table.' },
  },
  additionalProperties: false,
} as const;

export type ActivityEntry = Infer<typeof ActivityEntrySchema>;
export type ActivityType = ActivityEntry['type'];

const ACTIVITY_TAG: Tag = { name: 'Activity', description: "A project's feed of changes." };

export const ACTIVITY_ROUTES = [
  {
    operationId: 'listActivity',
    method: 'get',
    path: '/projects/{projectId}/activity',
    summary: 'List project activity',
    description: "The project's activity feed (changes of the project and of its items), newest first, a page at a time.",
    tag: ACTIVITY_TAG,
    pathParams: ['projectId'],
    query: LIST_QUERY,
    responses: { 200: { description: 'A page of activity entries.', body: { schema: 'ActivityEntry', page: true } } },
  },
] as const satisfies readonly RouteDefinition[];
