// /projects: a tenant's projects. Their JSON Schemas (the contract: the types below, the
// validators and the OpenAPI document derive from them) and their routes.
import type { Infer } from '../infer.js';
import { countProp, dateTimeProp, descriptionProp, idProp, nameProp, readOnlyFields, versionProp } from '../properties.js';
import { JSON_BODY, LIST_QUERY, PATCH_BODY, type RouteDefinition, type Tag } from '../route-definition.js';

/** How many of the project's tasks there are, in all and per status (kept by the stream consumer). */
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

// A JSON merge patch (RFC 7396): null removes a field.
export const ProjectUpdateSchema = {
  $id: 'ProjectUpdate',
  type: 'object',
  properties: { name: nameProp, description: { ...descriptionProp, type: ['string', 'null'] } },
  minProperties: 1,
  additionalProperties: false,
} as const;

export type Project = Infer<typeof ProjectSchema>;
export type ProjectCreate = Infer<typeof ProjectCreateSchema>;
export type ProjectUpdate = Infer<typeof ProjectUpdateSchema>;
export type TaskCounts = Infer<typeof TaskCountsSchema>;

// A pure call (it only reads the schema), so marked: a bundle that never uses the list drops it.
export const PROJECT_READ_ONLY_FIELDS = /* @__PURE__ */ readOnlyFields(ProjectSchema);

const PROJECTS_TAG: Tag = { name: 'Projects', description: "Your tenant's projects." };

export const PROJECT_ROUTES = [
  {
    operationId: 'createProject',
    method: 'post',
    path: '/projects',
    summary: 'Create a project',
    description: 'Creates a project of your tenant. Send an `Idempotency-Key` to make retries safe.',
    tag: PROJECTS_TAG,
    headers: ['Idempotency-Key'],
    body: { schema: 'ProjectCreate', mediaTypes: JSON_BODY },
    responses: { 201: { description: 'Created.', body: { schema: 'Project' }, headers: ['Location', 'ETag', 'Idempotent-Replayed'] } },
  },
  {
    operationId: 'listProjects',
    method: 'get',
    path: '/projects',
    summary: 'List projects',
    description: "Your tenant's projects in creation order, a page at a time: pass `nextCursor` back as `cursor`.",
    tag: PROJECTS_TAG,
    query: LIST_QUERY,
    responses: { 200: { description: 'A page of projects.', body: { schema: 'Project', page: true } } },
  },
  {
    operationId: 'getProject',
    method: 'get',
    path: '/projects/{projectId}',
    summary: 'Get a project',
    description:
      'One project, with its `ETag`. `If-None-Match` with that tag answers 304 (no body) while it is current; `If-Match` answers 412 unless it matches.',
    tag: PROJECTS_TAG,
    pathParams: ['projectId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: {
      200: { description: 'The project.', body: { schema: 'Project' }, headers: ['ETag'], revalidate: true },
      304: { description: 'Your copy is current (no body).', headers: ['ETag'], revalidate: true },
    },
  },
  {
    operationId: 'updateProject',
    method: 'patch',
    path: '/projects/{projectId}',
    summary: 'Update a project',
    description:
      'A JSON merge patch (RFC 7396): `null` removes `description`. With `If-Match`, only if nobody changed it since; `If-None-Match: *` refuses it (412).',
    tag: PROJECTS_TAG,
    pathParams: ['projectId'],
    headers: ['If-Match', 'If-None-Match'],
    body: { schema: 'ProjectUpdate', mediaTypes: PATCH_BODY },
    responses: { 200: { description: 'The updated project.', body: { schema: 'Project' }, headers: ['ETag'] } },
  },
  {
    operationId: 'deleteProject',
    method: 'delete',
    path: '/projects/{projectId}',
    summary: 'Delete a project',
    description: 'Deletes the project. With `If-Match`, only if nobody changed it since; `If-None-Match: *` refuses it (412).',
    tag: PROJECTS_TAG,
    pathParams: ['projectId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: { 204: { description: 'Deleted.' } },
  },
] as const satisfies readonly RouteDefinition[];
