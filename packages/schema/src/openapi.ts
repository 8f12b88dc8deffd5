// Builds the OpenAPI 3.1 document from the route list (routes.ts), the JSON Schemas
// (schemas.ts) and the problem catalogue (problems.ts). Nothing here describes the API by
// hand: scripts/generate-openapi.ts writes the result to src/generated/openapi.json at build
// time, and the API serves that file at GET /openapi.json.
import { PROBLEM_TYPES, type ProblemKind } from './problems.js';
import {
  CACHE_CONTROL_NO_STORE,
  CACHE_CONTROL_REVALIDATE,
  CONDITIONAL_HEADER_MAX_LENGTH,
  ENTITY_TAG_LIST_PATTERN,
  ETAG_PATTERN,
  ID_PATTERN,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_KEY_TTL_SECONDS,
  problemsOf,
  ROUTES,
  type PathParameter,
  type RequestHeader,
  type ResponseHeader,
  type RouteDefinition,
  type SuccessResponse,
} from './routes.js';
import { CURSOR_PATTERN } from './properties.js';
import { ListQuerySchema, schemas, type SchemaName } from './schemas.js';

export const API_TITLE = 'Projects and tasks API';
export const API_VERSION = '0.1.0';

type Json = Record<string, unknown>;
const ref = (section: string, name: string) => ({ $ref: `#/components/${section}/${name}` });

/** A schema as a component: `$id` dropped, since the component's place names it. */
function component(schema: { $id?: string }): Json {
  const { $id: _id, ...rest } = schema;
  return rest;
}

const pageSchema = (item: string): Json => ({
  type: 'object',
  description: `One page of ${item} items; \`nextCursor\` is null on the last page.`,
  required: ['items', 'nextCursor'],
  properties: {
    items: { type: 'array', maxItems: 100, items: ref('schemas', item) },
    nextCursor: { type: ['string', 'null'], maxLength: 2048, pattern: CURSOR_PATTERN },
  },
  additionalProperties: false,
});

const idParameter = (name: string, what: string): Json => ({
  name,
  in: 'path',
  required: true,
  description: `The ${what}'s id. A value the API could not have issued answers 404, as an unknown one does.`,
  schema: { type: 'string', pattern: ID_PATTERN, maxLength: 36 },
});

/** The id parameters of the routes' paths (`projectId`, `taskId`...), in order of first use. */
const idParameters = (): PathParameter[] => [
  ...new Set((ROUTES as readonly RouteDefinition[]).flatMap((route) => route.pathParams ?? []).filter((name) => name !== 'asset')),
];

// The parameters, the headers every response carries and the description are built on demand,
// not at import: they read other modules' values or call helpers, which a bundler would have to
// keep, so a bundle that only uses API_TITLE (the docs page) would carry the route list too.
const parameters = (): Record<string, Json> => ({
  ...Object.fromEntries(idParameters().map((name) => [name, idParameter(name, name.slice(0, -'Id'.length))])),
  asset: {
    name: 'asset',
    in: 'path',
    required: true,
    description: 'A file of the reference page.',
    schema: { type: 'string', maxLength: 64 },
  },
  limit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Page size, 1 to 100 (default 20).',
    schema: ListQuerySchema.properties.limit,
  },
  cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: '`nextCursor` of the previous page, unchanged.',
    schema: ListQuerySchema.properties.cursor,
  },
  status: {
    name: 'status',
    in: 'query',
    required: false,
    description: 'Only tasks with this status.',
    schema: ListQuerySchema.properties.status,
  },
  'If-Match': {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'Go ahead only if the current `ETag` is one of these entity tags (strong comparison: a weak tag `W/"3"` never ' +
      'matches), or, with `*`, if the resource exists; otherwise 412. Any well-formed tag is compared, so a tag this API ' +
      'never issued is a 412, not an error; only a malformed value is a 400. Honoured on GET, PATCH and DELETE of one ' +
      'resource (evaluated before `If-None-Match`, as RFC 9110 section 13.2.2 orders them).',
    schema: {
      type: 'string',
      maxLength: CONDITIONAL_HEADER_MAX_LENGTH,
      pattern: ENTITY_TAG_LIST_PATTERN,
      examples: ['"3"', '"3", "4"', '*'],
    },
  },
  'If-None-Match': {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description:
      'Go ahead only if the current `ETag` is none of these entity tags (weak comparison: `W/"3"` matches `"3"`), or, ' +
      'with `*`, only if the resource does not exist. When it fails, a GET answers 304 Not Modified (no body) and a ' +
      'PATCH or DELETE answers 412, so `If-None-Match: *` never changes an existing resource. Only a malformed value is a 400.',
    schema: { type: 'string', maxLength: CONDITIONAL_HEADER_MAX_LENGTH, pattern: ENTITY_TAG_LIST_PATTERN, examples: ['"3"', 'W/"3"', '*'] },
  },
  'Idempotency-Key': {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      `A key you choose (a UUID, say) to make this POST safe to retry: for ${IDEMPOTENCY_KEY_TTL_SECONDS / 3600} hours the same key ` +
      'with the same request gets the first response again (with `Idempotent-Replayed: true`) and creates nothing more. ' +
      'The same key with another request is a 422; a repeat while the first is still running is a 409 with `Retry-After`. ' +
      'Keys are scoped to your tenant and to the route.',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN, minLength: 1, maxLength: 255 },
  },
});

/** Response headers; all but Idempotent-Replayed are always sent where a response lists them. */
const HEADERS: Record<string, Json> = {
  ETag: {
    description: 'The strong entity tag of this version of the resource.',
    required: true,
    schema: { type: 'string', pattern: ETAG_PATTERN },
  },
  Location: {
    description: 'The path of the new resource.',
    required: true,
    schema: { type: 'string', format: 'uri-reference', maxLength: 2048 },
  },
  'Idempotent-Replayed': {
    description: 'Present when this is the stored response to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': { description: 'Seconds to wait before retrying.', required: true, schema: { type: 'string', pattern: '^[0-9]{1,5}$' } },
  'WWW-Authenticate': { description: 'The bearer challenge (RFC 6750).', required: true, schema: { type: 'string', pattern: '^Bearer' } },
  'X-Content-Type-Options': { description: 'Always `nosniff`.', required: true, schema: { type: 'string', enum: ['nosniff'] } },
  CacheControlNoStore: {
    description: 'Not to be stored by any cache: lists and errors carry no validator, and writes are not representations to reuse.',
    required: true,
    schema: { type: 'string', const: CACHE_CONTROL_NO_STORE },
  },
  CacheControlRevalidate: {
    description:
      "Only a private cache (the caller's own) may keep it, and must revalidate it with its `ETag` (`If-None-Match`) before each use.",
    required: true,
    schema: { type: 'string', const: CACHE_CONTROL_REVALIDATE },
  },
};

/** Headers every response carries (a representation's caches may revalidate it, anything else no-store). */
const always = (revalidate = false): Json => ({
  'X-Content-Type-Options': ref('headers', 'X-Content-Type-Options'),
  'Cache-Control': ref('headers', revalidate ? 'CacheControlRevalidate' : 'CacheControlNoStore'),
});
const header = (name: string) => ({ [name]: ref('headers', name) });

function successResponse(response: SuccessResponse): Json {
  const headers: Json = always(response.revalidate);
  for (const name of response.headers ?? ([] as ResponseHeader[])) Object.assign(headers, header(name));
  const result: Json = { description: response.description, headers };
  const body = response.body;
  if (body && 'freeForm' in body) {
    result.content = Object.fromEntries(
      body.mediaTypes.map((type) => [type, { schema: type === 'application/json' ? { type: 'object' } : { type: 'string' } }]),
    );
  } else if (body) {
    result.content = { 'application/json': { schema: ref('schemas', body.page ? `${body.schema}Page` : body.schema) } };
  }
  return result;
}

/** One response per status; its body is a Problem whose `type` is one of those listed. */
function problemResponses(kinds: readonly ProblemKind[]): Record<string, Json> {
  const byStatus = new Map<number, ProblemKind[]>();
  for (const kind of kinds) byStatus.set(PROBLEM_TYPES[kind].status, [...(byStatus.get(PROBLEM_TYPES[kind].status) ?? []), kind]);
  const responses: Record<string, Json> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: Json = always();
    if (status === 401) Object.assign(headers, header('WWW-Authenticate'));
    if (status === 503 || group.includes('idempotencyInProgress')) Object.assign(headers, header('Retry-After'));
    responses[String(status)] = {
      description: group.map((kind) => `\`${PROBLEM_TYPES[kind].type}\`: ${PROBLEM_TYPES[kind].description}`).join('\n\n'),
      headers,
      content: {
        'application/problem+json': {
          schema: {
            allOf: [ref('schemas', 'Problem')],
            type: 'object',
            properties: { type: { enum: group.map((kind) => PROBLEM_TYPES[kind].type) }, status: { const: status } },
          },
        },
      },
    };
  }
  return responses;
}

function operation(route: RouteDefinition): Json {
  const parameters = [...(route.pathParams ?? []), ...(route.query ?? []), ...(route.headers ?? ([] as RequestHeader[]))].map((name) =>
    ref('parameters', name),
  );
  const responses: Json = {};
  for (const [status, response] of Object.entries(route.responses)) responses[status] = successResponse(response);
  Object.assign(responses, problemResponses(problemsOf(route)));
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: route.description,
    tags: [route.tag.name],
    ...(route.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(route.body.mediaTypes.map((type) => [type, { schema: ref('schemas', route.body!.schema) }])),
          },
        }
      : {}),
    responses,
  };
}

const description = (): string => `Projects and their tasks, per tenant. Every route but the documentation needs a bearer
token (a JWT); your tenant comes from its claims, never from the request.

- **Errors** are \`application/problem+json\` (RFC 9457). \`type\` is one of the problem types below; for
  invalid input, \`errors\` lists a JSON Pointer into the request (\`/body/name\`, \`/query/limit\`,
  \`/headers/if-match\`) for each problem.
- **Conditional requests** (RFC 9110): reads of one resource (a project, a task...) return an \`ETag\`; send it
  back in \`If-Match\` to write only if nobody changed the resource since (412 otherwise), and in
  \`If-None-Match\` to get 304 while your copy is current. Both take a list of tags or \`*\` on GET, PATCH and
  DELETE of one resource; lists and creates have no \`ETag\` and ignore them. Reads of one resource are
  \`Cache-Control: private, no-cache\` (keep it, revalidate before use); everything else is \`no-store\`.
- **Retries**: send an \`Idempotency-Key\` with each POST and retry it freely.
- **Pages**: lists return \`{items, nextCursor}\`; pass \`nextCursor\` back as \`cursor\`.

| problem type | status | meaning |
| --- | --- | --- |
${Object.values(PROBLEM_TYPES)
  .map((p) => `| \`${p.type}\` | ${p.status} | ${p.description.replaceAll('|', '\\|')} |`)
  .join('\n')}
`;

/** Every route's tag, once, in order of first use. */
const tags = () => [...new Map((ROUTES as readonly RouteDefinition[]).map((route) => [route.tag.name, route.tag])).values()];

/** The schemas of the resources a list route pages through (`Project` for `ProjectPage`...). */
const pagedSchemas = (): string[] => [
  ...new Set(
    (ROUTES as readonly RouteDefinition[]).flatMap((route) =>
      Object.values(route.responses).flatMap((response) => (response.body && 'page' in response.body ? [response.body.schema] : [])),
    ),
  ),
];

/** Request bodies and representations; the list queries are parameters, not components. */
const QUERY_SCHEMAS: readonly SchemaName[] = ['ListQuery', 'ProjectListQuery'];

/** The Problem schema, its `type` one of the catalogue's (ProblemType). */
function problemSchema(): Json {
  const problem = component(schemas.Problem) as { properties: Json };
  return { ...problem, properties: { ...problem.properties, type: ref('schemas', 'ProblemType') } };
}

/** The OpenAPI 3.1 document of the API. Pure: the same inputs give the same document. */
export function buildOpenApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of ROUTES as readonly RouteDefinition[]) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description: description(),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'The server that serves this document' }],
    security: [{ bearerAuth: [] }],
    tags: tags(),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An ID token of the API’s identity provider.' },
      },
      parameters: parameters(),
      headers: HEADERS,
      schemas: {
        ...Object.fromEntries(
          Object.entries(schemas)
            .filter(([name]) => name !== 'Problem' && !QUERY_SCHEMAS.includes(name as SchemaName))
            .map(([name, schema]) => [name, component(schema)]),
        ),
        ...Object.fromEntries(pagedSchemas().map((item) => [`${item}Page`, pageSchema(item)])),
        Problem: problemSchema(),
        ProblemType: {
          type: 'string',
          description: 'Every problem type this API answers with (the catalogue in the description above); a client can branch on it.',
          enum: Object.values(PROBLEM_TYPES).map((problem) => problem.type),
        },
      },
    },
  };
}
