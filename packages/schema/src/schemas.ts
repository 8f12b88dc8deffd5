// The API's JSON Schemas (draft 2020-12, the dialect OpenAPI 3.1 embeds). Each resource's own
// schemas live in its module (resources/*.ts); this module has the ones every list and error
// shares, and `schemas`, the list of every top-level schema. Everything else is derived from
// these objects: TypeScript types, the build-time ajv validators (scripts/generate-validators.ts)
// and the OpenAPI document (openapi.ts).
import { CURSOR_PATTERN, LIMIT_PATTERN } from './properties.js';
import { ActivityEntrySchema } from './resources/activity.js';
import { ProjectCreateSchema, ProjectSchema, ProjectUpdateSchema } from './resources/projects.js';
import { TaskCreateSchema, TaskSchema, TaskStatusSchema, TaskUpdateSchema } from './resources/tasks.js';
// new:resource: schema imports

// Query strings arrive as strings, so these schemas describe strings; parseListQuery converts.
const listQueryProps = {
  limit: { type: 'string', pattern: LIMIT_PATTERN, default: '20', description: 'Page size, 1 to 100.' },
  cursor: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    pattern: CURSOR_PATTERN,
    description: 'Opaque cursor from the previous page.',
  },
} as const;

/** The query of the task list: a page, optionally of one status. */
export const ListQuerySchema = {
  $id: 'ListQuery',
  type: 'object',
  properties: { ...listQueryProps, status: TaskStatusSchema },
  additionalProperties: false,
} as const;

/** The query of every other list: a page. */
export const ProjectListQuerySchema = {
  $id: 'ProjectListQuery',
  type: 'object',
  properties: listQueryProps,
  additionalProperties: false,
} as const;

// RFC 9457 application/problem+json, with `errors` listing every validation issue.
export const ProblemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri-reference', maxLength: 2048 },
    title: { type: 'string', maxLength: 200 },
    status: { type: 'integer', minimum: 100, maximum: 599 },
    detail: { type: 'string', maxLength: 2000 },
    instance: { type: 'string', format: 'uri-reference', maxLength: 2048 },
    errors: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        required: ['pointer', 'message'],
        properties: {
          pointer: { type: 'string', format: 'json-pointer', maxLength: 2048 },
          message: { type: 'string', maxLength: 500 },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
} as const;

/**
 * Every top-level schema, keyed by `$id`: the generator emits one validator per entry, and the
 * OpenAPI document one component (request bodies and representations in this order).
 */
export const schemas = {
  Project: ProjectSchema,
  ProjectCreate: ProjectCreateSchema,
  ProjectUpdate: ProjectUpdateSchema,
  Task: TaskSchema,
  TaskCreate: TaskCreateSchema,
  TaskUpdate: TaskUpdateSchema,
  ActivityEntry: ActivityEntrySchema,
  // new:resource: schemas
  ListQuery: ListQuerySchema,
  ProjectListQuery: ProjectListQuerySchema,
  Problem: ProblemSchema,
} as const;

export type SchemaName = keyof typeof schemas;
