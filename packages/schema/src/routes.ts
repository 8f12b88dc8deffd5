// Every route of the API, described as data: the OpenAPI document (openapi.ts) is generated
// from this list and the schemas, and the API reads the same list (path patterns, header
// rules, which problems a route can answer), so the two cannot drift apart.
import type { ListQuerySchema } from './schemas.js';
import type { ProblemKind } from './problems.js';

/** Ids are UUIDs (the API issues v7); anything else cannot name a resource. */
export const ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Idempotency keys: 1 to 255 characters, enough for a UUID, a ULID or base64; no spaces or commas. */
export const IDEMPOTENCY_KEY_PATTERN = '^[A-Za-z0-9._~:+/=-]{1,255}$';
/** How long a stored response answers a repeated Idempotency-Key. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 60 * 60;
/** The entity tags the API issues: strong, and the resource's version. */
export const ETAG_PATTERN = '^"[0-9]{1,15}"$';
/**
 * An If-Match or If-None-Match value as RFC 9110 spells it (sections 13.1.1, 13.1.2, 8.8.3):
 * `*`, or a comma-separated list of entity tags (`"x"` or `W/"x"`, any characters but DQUOTE,
 * controls and space between the quotes), empty list elements allowed (section 5.6.1). Any tag
 * of this shape is compared; one the API never issued just does not match.
 */
const ENTITY_TAG = '(?:W/)?"[!#-~\\u0080-\\u00ff]*"';
export const ENTITY_TAG_LIST_PATTERN = `^[ \\t]*(?:\\*|(?:${ENTITY_TAG})?(?:[ \\t]*,[ \\t]*(?:${ENTITY_TAG})?)*)[ \\t]*$`;
/**
 * The longest If-Match or If-None-Match value taken: room for 64 tags, and so within the 100
 * values a DynamoDB condition may compare a version with (the write is conditional on the list).
 */
export const CONDITIONAL_HEADER_MAX_LENGTH = 256;
/**
 * Cache-Control of a resource's representation (GET 200 and 304): a private cache may keep it,
 * but must revalidate it with its ETag before each use (RFC 9111 5.2.2.4, 5.2.2.7). Lists and
 * errors have no validator and are `no-store`.
 */
export const CACHE_CONTROL_REVALIDATE = 'private, no-cache';
export const CACHE_CONTROL_NO_STORE = 'no-store';
/** Seconds a client should wait before retrying a 503 or an in-progress idempotent request. */
export const RETRY_AFTER_SECONDS = 1;

export type HttpMethod = 'get' | 'post' | 'patch' | 'delete';
export type PathParameter = 'projectId' | 'taskId' | 'asset';
export type QueryParameter = keyof typeof ListQuerySchema.properties;
export type RequestHeader = 'If-Match' | 'If-None-Match' | 'Idempotency-Key';
export type ResponseHeader = 'ETag' | 'Location' | 'Idempotent-Replayed';
/** Component schemas a route can send or return (openapi.ts defines each). */
export type BodySchema = 'Project' | 'ProjectCreate' | 'ProjectUpdate' | 'Task' | 'TaskCreate' | 'TaskUpdate' | 'ActivityEntry';

export interface SuccessResponse {
  description: string;
  /** JSON body: one resource, or a page `{items, nextCursor}` of them. */
  body?: { schema: BodySchema; page?: true } | { mediaTypes: readonly string[]; freeForm: true };
  headers?: readonly ResponseHeader[];
  /** A representation with an ETag that caches may keep and revalidate (CACHE_CONTROL_REVALIDATE); else no-store. */
  revalidate?: true;
}

export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, as API Gateway's route key spells it. */
  path: string;
  summary: string;
  description: string;
  tag: 'Projects' | 'Tasks' | 'Activity' | 'Documentation';
  /** Served without a bearer token (no authorizer). */
  public?: true;
  pathParams?: readonly PathParameter[];
  query?: readonly QueryParameter[];
  headers?: readonly RequestHeader[];
  body?: { schema: BodySchema; mediaTypes: readonly string[] };
  responses: Readonly<Record<number, SuccessResponse>>;
  /** Problems beyond those the route's shape implies (see problemsOf). */
  problems?: readonly ProblemKind[];
}

const JSON_BODY = ['application/json'] as const;
const PATCH_BODY = ['application/merge-patch+json', 'application/json'] as const;
// Spelt out rather than spread (`['status', ...LIST_QUERY]`): a bundler keeps a spread, and with
// it this whole list, in every function that imports anything from this module.
const LIST_QUERY = ['limit', 'cursor'] as const;
const TASK_LIST_QUERY = ['status', 'limit', 'cursor'] as const;

export const ROUTES = [
  {
    operationId: 'createProject',
    method: 'post',
    path: '/projects',
    summary: 'Create a project',
    description: 'Creates a project of your tenant. Send an `Idempotency-Key` to make retries safe.',
    tag: 'Projects',
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
    tag: 'Projects',
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
    tag: 'Projects',
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
    tag: 'Projects',
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
    tag: 'Projects',
    pathParams: ['projectId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: { 204: { description: 'Deleted.' } },
  },
  {
    operationId: 'createTask',
    method: 'post',
    path: '/projects/{projectId}/tasks',
    summary: 'Create a task',
    description: 'Creates a task in the project (`status` defaults to `open`). Send an `Idempotency-Key` to make retries safe.',
    tag: 'Tasks',
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
    tag: 'Tasks',
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
    tag: 'Tasks',
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
    tag: 'Tasks',
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
    tag: 'Tasks',
    pathParams: ['projectId', 'taskId'],
    headers: ['If-Match', 'If-None-Match'],
    responses: { 204: { description: 'Deleted.' } },
  },
  {
    operationId: 'listActivity',
    method: 'get',
    path: '/projects/{projectId}/activity',
    summary: 'List project activity',
    description: "The project's activity feed (task and project changes), newest first, a page at a time.",
    tag: 'Activity',
    pathParams: ['projectId'],
    query: LIST_QUERY,
    responses: { 200: { description: 'A page of activity entries.', body: { schema: 'ActivityEntry', page: true } } },
  },
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    summary: 'Get this OpenAPI document',
    description: 'The OpenAPI 3.1 description of the API, generated from its schemas.',
    tag: 'Documentation',
    public: true,
    responses: { 200: { description: 'The OpenAPI document.', body: { mediaTypes: ['application/json'], freeForm: true } } },
  },
  {
    operationId: 'getDocsPage',
    method: 'get',
    path: '/docs',
    summary: 'Read the API reference',
    description: 'This API reference as a web page.',
    tag: 'Documentation',
    public: true,
    responses: { 200: { description: 'The page.', body: { mediaTypes: ['text/html'], freeForm: true } } },
  },
  {
    operationId: 'getDocsAsset',
    method: 'get',
    path: '/docs/{asset}',
    summary: 'Get a file of the API reference page',
    description: 'The scripts and styles of the reference page, served by the API itself.',
    tag: 'Documentation',
    public: true,
    pathParams: ['asset'],
    responses: {
      200: { description: 'The file (a script or a style sheet).', body: { mediaTypes: ['text/javascript', 'text/css'], freeForm: true } },
    },
    problems: ['notFound'],
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof ROUTES)[number];
export type OperationId = Route['operationId'];

/** The route of an operation id. */
export function routeOf(operationId: OperationId): RouteDefinition {
  return ROUTES.find((route) => route.operationId === operationId)!;
}

/**
 * Every problem a route can answer: those its shape implies (a body can be malformed, an id
 * can name nothing, a protected route can be unauthorized...) plus any it lists itself.
 */
export function problemsOf(route: RouteDefinition): ProblemKind[] {
  const kinds = new Set<ProblemKind>(route.problems ?? []);
  const add = (...more: ProblemKind[]) => more.forEach((kind) => kinds.add(kind));
  if (!route.public) add('unauthorized', 'serviceUnavailable');
  if (route.pathParams?.some((p) => p !== 'asset')) add('notFound');
  if (route.body) add('badRequest', 'validation', 'payloadTooLarge', 'unsupportedMediaType');
  if (route.query?.length) add('validation');
  if (route.query?.includes('cursor')) add('invalidCursor');
  if (route.headers?.some((h) => h === 'If-Match' || h === 'If-None-Match')) add('badRequest', 'preconditionFailed');
  if (route.headers?.includes('Idempotency-Key')) add('validation', 'idempotencyInProgress', 'idempotencyKeyReused');
  // API Gateway throttles every route, public ones included (services/api/serverless.yml, custom.throttle).
  add('tooManyRequests', 'internal');
  return [...kinds];
}

/** `/projects/{projectId}` as a RegExp matching concrete paths (one segment per parameter). */
export function pathPattern(path: string): RegExp {
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${source}$`);
}

/** The route template of a concrete request path and method, e.g. for logs and contract checks. */
export function matchRoute(method: string, path: string): RouteDefinition | undefined {
  return ROUTES.find((route) => route.method === method.toLowerCase() && pathPattern(route.path).test(path));
}
