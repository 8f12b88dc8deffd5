// /projects/{projectId}/tasks: the tasks of a project. Their JSON Schemas (the contract: the
// types below, the validators and the OpenAPI document derive from them) and their routes.
import type { Infer } from '../infer.js';
import { dateTimeProp, descriptionProp, idProp, nameProp, readOnlyFields, versionProp } from '../properties.js';
import { JSON_BODY, PATCH_BODY, type RouteDefinition, type Tag } from '../route-definition.js';

export const TASK_STATUSES = ['open', 'in_progress', 'done'] as const;

export const TaskStatusSchema = { type: 'string', enum: TASK_STATUSES } as const;

const dueDateProp = { type: 'string', format: 'date', maxLength: 10, description: 'Calendar date, YYYY-MM-DD.' } as const;

export const TaskSchema = {
  $id: 'Task',
  type: 'object',
  required: ['id', 'projectId', 'title', 'status', 'createdAt', 'updatedAt', 'version'],
  properties: {
    id: idProp,
    projectId: idProp,
    title: nameProp,
    description: descriptionProp,
    status: TaskStatusSchema,
    dueDate: dueDateProp,
    createdAt: dateTimeProp,
    updatedAt: dateTimeProp,
    version: versionProp,
  },
  // Closed response shapes let contract tests catch leaked storage attributes (keys, GSI fields).
  additionalProperties: false,
} as const;

export const TaskCreateSchema = {
  $id: 'TaskCreate',
  type: 'object',
  required: ['title'],
  properties: {
    title: nameProp,
    description: descriptionProp,
    // Documentation only: the server fills it in; validation never mutates the input.
    status: { ...TaskStatusSchema, default: 'open' },
    dueDate: dueDateProp,
  },
  additionalProperties: false,
} as const;

// A JSON merge patch (RFC 7396): null removes a field.
export const TaskUpdateSchema = {
  $id: 'TaskUpdate',
  type: 'object',
  properties: {
    title: nameProp,
    description: { ...descriptionProp, type: ['string', 'null'] },
    status: TaskStatusSchema,
    dueDate: { ...dueDateProp, type: ['string', 'null'] },
  },
  minProperties: 1,
  additionalProperties: false,
} as const;

export type Task = Infer<typeof TaskSchema>;
export type TaskCreate = Infer<typeof TaskCreateSchema>;
export type TaskUpdate = Infer<typeof TaskUpdateSchema>;
export type TaskStatus = Infer<typeof TaskStatusSchema>;

// A pure call (it only reads the schema), so marked: a bundle that never uses the list drops it.
export const TASK_READ_ONLY_FIELDS = /* @__PURE__ */ readOnlyFields(TaskSchema);

const TASKS_TAG: Tag = { name: 'Tasks', description: 'The tasks of a project.' };
const TASK_LIST_QUERY = ['status', 'limit', 'cursor'] as const;

export const TASK_ROUTES = [
  {
    operationId: 'createTask',
    method: 'post',
    path: '/projects/{projectId}/tasks',
    summary: 'Create a task',
    description: 'Creates a task in the project (`status` defaults to `open`). Send an `Idempotency-Key` to make retries safe.',
    tag: TASKS_TAG,
    pathParams: ['projectId'],
    headers: ['Idempotency-Key'],
    body: { schema: 'TaskCreate', mediaTypes: JSON_BODY },
    responses: { 201: { description: 'Created.', body: { schema: 'Task' }, headers: ['Location', 'ETag', 'Idempotent-Replayed'] } },
  },
  {
    operationId: 'listTasks',
    method: 'get',
    path: '/projects/{projectId}/tasks',
    summary: 'List tasks',
    description: "The project's tasks in creation order, optionally only those of one `status`, a page at a time.",
    tag: TASKS_TAG,
    pathParams: ['projectId'],
    query: TASK_LIST_QUERY,
    responses: { 200: { description: 'A page of tasks.', body: { schema: 'Task', page: true } } },
  },
  {
    operationId: 'getTask',
    method: 'get',
    path: '/projects/{projectId}/tasks/{taskId}',
    summary: 'Get a task',
    description:
      'One task, with its `ETag`. `If-None-Match` with that tag answers 304 (no body) while it is current; `If-Match` answers 412 unless it matches.',
    tag: TASKS_TAG,
    pathParams: ['projectId', 'taskId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: {
      200: { description: 'The task.', body: { schema: 'Task' }, headers: ['ETag'], revalidate: true },
      304: { description: 'Your copy is current (no body).', headers: ['ETag'], revalidate: true },
    },
  },
  {
    operationId: 'updateTask',
    method: 'patch',
    path: '/projects/{projectId}/tasks/{taskId}',
    summary: 'Update a task',
    description: 'A JSON merge patch of `title`, `description`, `status`, `dueDate`; `null` removes `description` or `dueDate`.',
    tag: TASKS_TAG,
    pathParams: ['projectId', 'taskId'],
    headers: ['If-Match', 'If-None-Match'],
    body: { schema: 'TaskUpdate', mediaTypes: PATCH_BODY },
    responses: { 200: { description: 'The updated task.', body: { schema: 'Task' }, headers: ['ETag'] } },
  },
  {
    operationId: 'deleteTask',
    method: 'delete',
    path: '/projects/{projectId}/tasks/{taskId}',
    summary: 'Delete a task',
    description: 'Deletes the task. With `If-Match`, only if nobody changed it since; `If-None-Match: *` refuses it (412).',
    tag: TASKS_TAG,
    pathParams: ['projectId', 'taskId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: { 204: { description: 'Deleted.' } },
  },
] as const satisfies readonly RouteDefinition[];
