// The API's JSON Schemas (draft 2020-12, the dialect OpenAPI 3.1 embeds). Everything else is
// derived from these objects: TypeScript types (types.ts), the build-time ajv validators
// (scripts/generate-validators.ts) and the read-only field lists below. Shared property
// definitions are spread rather than `$ref`'d so each schema stands alone for FromSchema and ajv.

export const TASK_STATUSES = ['open', 'in_progress', 'done'] as const;

// Blank names/titles are rejected rather than trimmed: the server never rewrites client data.
export const NON_BLANK_PATTERN = '\\S';
// 1..100 with no sign, spaces, leading zeros, decimals or exponents; it also caps the length at 3.
export const LIMIT_PATTERN = '^(?:[1-9][0-9]?|100)$';
export const CURSOR_PATTERN = '^[A-Za-z0-9_.-]+$';

const idProp = { type: 'string', minLength: 1, maxLength: 128, readOnly: true } as const;
const dateTimeProp = { type: 'string', format: 'date-time', maxLength: 64, readOnly: true } as const;
const versionProp = {
  type: 'integer',
  minimum: 1,
  readOnly: true,
  description: 'Incremented by the server on every change.',
} as const;
const descriptionProp = { type: 'string', maxLength: 2000 } as const;
// In a merge-patch body, null removes the field.
const removableDescriptionProp = { type: ['string', 'null'], maxLength: 2000 } as const;
const nameProp = { type: 'string', minLength: 1, maxLength: 200, pattern: NON_BLANK_PATTERN } as const;
const titleProp = nameProp;
const dueDateProp = { type: 'string', format: 'date', maxLength: 10, description: 'Calendar date, YYYY-MM-DD.' } as const;
const removableDueDateProp = { ...dueDateProp, type: ['string', 'null'] } as const;
const countProp = { type: 'integer', minimum: 0 } as const;

export const TaskStatusSchema = { type: 'string', enum: TASK_STATUSES } as const;

export const TaskCountsSchema = {
  type: 'object',
  required: ['total', 'open', 'in_progress', 'done'],
  properties: { total: countProp, open: countProp, in_progress: countProp, done: countProp },
  additionalProperties: false,
} as const;

export const ProjectSchema = {
  $id: 'Project',
  type: 'object',
  required: ['id', 'name', 'createdAt', 'updatedAt', 'version', 'taskCounts'],
  properties: {
    id: idProp,
    name: nameProp,
    description: descriptionProp,
    createdAt: dateTimeProp,
    updatedAt: dateTimeProp,
    version: versionProp,
    taskCounts: { ...TaskCountsSchema, readOnly: true },
  },
  // Closed response shapes let contract tests catch leaked storage attributes (keys, GSI fields).
  additionalProperties: false,
} as const;

export const ProjectCreateSchema = {
  $id: 'ProjectCreate',
  type: 'object',
  required: ['name'],
  properties: { name: nameProp, description: descriptionProp },
  additionalProperties: false,
} as const;

export const ProjectUpdateSchema = {
  $id: 'ProjectUpdate',
  type: 'object',
  properties: { name: nameProp, description: removableDescriptionProp },
  minProperties: 1,
  additionalProperties: false,
} as const;

export const TaskSchema = {
  $id: 'Task',
  type: 'object',
  required: ['id', 'projectId', 'title', 'status', 'createdAt', 'updatedAt', 'version'],
  properties: {
    id: idProp,
    projectId: idProp,
    title: titleProp,
    description: descriptionProp,
    status: TaskStatusSchema,
    dueDate: dueDateProp,
    createdAt: dateTimeProp,
    updatedAt: dateTimeProp,
    version: versionProp,
  },
  additionalProperties: false,
} as const;

export const TaskCreateSchema = {
  $id: 'TaskCreate',
  type: 'object',
  required: ['title'],
  properties: {
    title: titleProp,
    description: descriptionProp,
    // Documentation only: the server fills it in; validation never mutates the input.
    status: { ...TaskStatusSchema, default: 'open' },
    dueDate: dueDateProp,
  },
  additionalProperties: false,
} as const;

export const TaskUpdateSchema = {
  $id: 'TaskUpdate',
  type: 'object',
  properties: {
    title: titleProp,
    description: removableDescriptionProp,
    status: TaskStatusSchema,
    dueDate: removableDueDateProp,
  },
  minProperties: 1,
  additionalProperties: false,
} as const;

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

export const ListQuerySchema = {
  $id: 'ListQuery',
  type: 'object',
  properties: { ...listQueryProps, status: TaskStatusSchema },
  additionalProperties: false,
} as const;

export const ProjectListQuerySchema = {
  $id: 'ProjectListQuery',
  type: 'object',
  properties: listQueryProps,
  additionalProperties: false,
} as const;

export const ACTIVITY_TYPES = ['task.created', 'task.updated', 'task.deleted', 'project.updated'] as const;
const changedValue = { type: ['string', 'null'], maxLength: 2000 } as const;

// One entry of a project's activity feed, written by the stream consumer from table changes.
export const ActivityEntrySchema = {
  $id: 'ActivityEntry',
  type: 'object',
  required: ['id', 'projectId', 'type', 'occurredAt'],
  properties: {
    id: idProp,
    projectId: idProp,
    type: { type: 'string', enum: ACTIVITY_TYPES },
    taskId: { ...idProp, description: 'The task concerned, for task.* entries.' },
    title: { type: 'string', maxLength: 200, description: 'The task title or project name at the time.' },
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

/** Every top-level schema, keyed by `$id`: the generator emits one validator per entry. */
export const schemas = {
  Project: ProjectSchema,
  ProjectCreate: ProjectCreateSchema,
  ProjectUpdate: ProjectUpdateSchema,
  Task: TaskSchema,
  TaskCreate: TaskCreateSchema,
  TaskUpdate: TaskUpdateSchema,
  ListQuery: ListQuerySchema,
  ProjectListQuery: ProjectListQuerySchema,
  Problem: ProblemSchema,
  ActivityEntry: ActivityEntrySchema,
} as const;

type ObjectSchema = { readonly properties: Readonly<Record<string, object>> };
type ReadOnlyKey<S extends ObjectSchema> = {
  [K in keyof S['properties']]: S['properties'][K] extends { readonly readOnly: true } ? K : never;
}[keyof S['properties']] &
  string;

/** Names of the properties a schema marks `readOnly: true` (server-managed), in declaration order. */
export function readOnlyFields<S extends ObjectSchema>(schema: S): readonly ReadOnlyKey<S>[] {
  const keys = Object.entries(schema.properties)
    .filter(([, property]) => (property as { readOnly?: unknown }).readOnly === true)
    .map(([key]) => key);
  return Object.freeze(keys) as readonly ReadOnlyKey<S>[];
}

// Pure calls (they only read the schema), so marked: a bundle that uses neither list drops them.
export const PROJECT_READ_ONLY_FIELDS = /* @__PURE__ */ readOnlyFields(ProjectSchema);
export const TASK_READ_ONLY_FIELDS = /* @__PURE__ */ readOnlyFields(TaskSchema);
