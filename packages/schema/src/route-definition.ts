// What a route of the API is, as data (RouteDefinition), and the rules every route shares.
// Each resource declares its routes with these (resources/*.ts); routes.ts lists them all, and
// the OpenAPI document (openapi.ts) and the API (path patterns, header rules, which problems a
// route can answer) both read that one list, so the two cannot drift apart.
import type { ProblemKind } from './problems.js';
import type { ListQuerySchema, SchemaName } from './schemas.js';

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
/** The id of a resource (`projectId`, `taskId`: its singular name and `Id`), or the docs' file name. */
export type PathParameter = `${string}Id` | 'asset';
export type QueryParameter = keyof typeof ListQuerySchema.properties;
export type RequestHeader = 'If-Match' | 'If-None-Match' | 'Idempotency-Key';
export type ResponseHeader = 'ETag' | 'Location' | 'Idempotent-Replayed';
/** Component schemas a route can send or return (openapi.ts defines each). */
export type BodySchema = Exclude<SchemaName, 'ListQuery' | 'ProjectListQuery' | 'Problem'>;

/** A group of operations in the reference (one per resource). */
export interface Tag {
  readonly name: string;
  readonly description: string;
}

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
  tag: Tag;
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

export const JSON_BODY = ['application/json'] as const;
export const PATCH_BODY = ['application/merge-patch+json', 'application/json'] as const;
// Spelt out rather than spread (`['status', ...LIST_QUERY]`): a bundler keeps a spread, and with
// it this whole list, in every function that imports anything from this module.
export const LIST_QUERY = ['limit', 'cursor'] as const;

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
  if (route.headers?.includes('If-Match')) add('badRequest', 'preconditionFailed');
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
