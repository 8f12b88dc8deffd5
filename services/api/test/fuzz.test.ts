// Property-based hostile input on every route, in-process: each handler gets API Gateway
// events with hostile bodies, headers, query strings, path ids and identities, on the
// embedded DynamoDB. FUZZ_RUNS cases per route (a few hundred in `npm test`; 10,000 with
// `npm run fuzz` at the repository root). Whatever arrives:
//   - never a 5xx; errors are application/problem+json, of a type the route documents;
//   - no internal detail in a body; the security headers on every response;
//   - a success is a valid resource or page;
//   - every DynamoDB expression string is placeholders and keywords only: no input in it.
import { childPartitionKey, getDocumentClient, integerFromEnv, keyOf, keyPrefix, projectEntity } from '@app/data';
import { apiEvent, DEFAULT_CLAIMS, defaultRouteEvent, invoke, lambdaContext, startTestDatabase, type TestDatabase } from '@app/testing';
import {
  CACHE_CONTROL_REVALIDATE,
  PROBLEM_TYPES,
  problemsOf,
  routeOf,
  validateProblem,
  validateProject,
  validateTask,
  type OperationId,
  type ProblemKind,
  type SuccessResponse,
} from '@app/schema';
import type { MiddlewareStack } from '@smithy/types';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler as docsAsset } from '../src/handlers/docs/asset.js';
import { handler as openApiDocument } from '../src/handlers/docs/openapi.js';
import { handler as docsPage } from '../src/handlers/docs/page.js';
import { handler as notFound } from '../src/handlers/fallback/not-found.js';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as deleteProject } from '../src/handlers/projects/delete.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as deleteTask } from '../src/handlers/tasks/delete.js';
import { handler as getTask } from '../src/handlers/tasks/get.js';
import { handler as listTasks } from '../src/handlers/tasks/list.js';
import { handler as listActivity } from '../src/handlers/activity/list.js';
import { handler as updateTask } from '../src/handlers/tasks/update.js';
import type { HttpResponse } from '../src/http/response.js';

const RUNS = integerFromEnv('FUZZ_RUNS', { fallback: 250, min: 1, max: 1_000_000 });
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

let db: TestDatabase;
const fixtures = { projectId: '', taskId: '', foreignProjectId: '', cursor: '', foreignCursor: '' };
const expressions: string[] = [];

beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
  // Watch every command the real client sends (nothing is mocked): keep its expression strings.
  (getDocumentClient().middlewareStack as MiddlewareStack<object, object>).add(
    (next) => async (args) => {
      const input = (args as { input: Record<string, unknown> }).input;
      for (const key of ['KeyConditionExpression', 'ConditionExpression', 'UpdateExpression', 'FilterExpression', 'ProjectionExpression']) {
        if (typeof input[key] === 'string') expressions.push(input[key]);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordExpressions' },
  );
  const project = await invoke(createProject, apiEvent('createProject', { body: { name: 'fuzz' } }));
  await invoke(createProject, apiEvent('createProject', { body: { name: 'fuzz 2' } }));
  fixtures.projectId = project.body.id;
  const params = { projectId: fixtures.projectId };
  fixtures.taskId = (await invoke(createTask, apiEvent('createTask', { params, body: { title: 't' } }))).body.id;
  await invoke(createTask, apiEvent('createTask', { params, body: { title: 't2' } }));
  fixtures.cursor = (await invoke(listProjects, apiEvent('listProjects', { query: { limit: '1' } }))).body.nextCursor;
  fixtures.foreignCursor = (await invoke(listTasks, apiEvent('listTasks', { params, query: { limit: '1' } }))).body.nextCursor;
  const foreign = await invoke(
    createProject,
    apiEvent('createProject', { body: { name: 'theirs' }, claims: { sub: 'u', tenant: 'globex' } }),
  );
  fixtures.foreignProjectId = foreign.body.id;
});
afterAll(async () => {
  (getDocumentClient().middlewareStack as MiddlewareStack<object, object>).remove('recordExpressions');
  await db.stop();
});

// ---------------------------------------------------------------- arbitraries
// Strings shaped like the table's keys (composed from the declarations, so they follow the layout).
const acmeProject = keyOf(projectEntity, { tenantId: 'tenant:acme', projectId: 'x' });
const projectPrefix = keyPrefix(projectEntity.keys.sk);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil',
  '\u200f\u200e',
  '\ufeff',
  '\uffff',
  '𝒳𝒴',
  'e\u0301',
  '\r\n',
  '\t',
  '../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '%',
  '%zz',
  '/',
  '//',
  '\\',
  keyOf(projectEntity, { tenantId: 'acme', projectId: 'x' }).pk,
  childPartitionKey(projectEntity, { tenantId: 'tenant:acme', id: 'x' }),
  acmeProject.sk,
  projectPrefix,
  '#n0',
  ':v0',
  '#n0 = :v0 OR attribute_exists(#n1)',
  "' OR '1'='1",
  '" OR ""="',
  '{"$ne":null}',
  '$where',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e309',
  'NaN',
  'Infinity',
  '0x10',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  'a'.repeat(3_000),
  '🙂'.repeat(600),
  'open',
  'done',
  'in_progress',
  'W/"1"',
  '"1"',
  '*',
];
const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, fc.constantFrom('a', '\u0000', '"', '\\')), maxLength: 20 }) },
);
const hostileKey = fc.oneof(
  fc.constantFrom(
    'name',
    'description',
    'title',
    'status',
    'dueDate',
    'id',
    'version',
    'projectId',
    'taskCounts',
    'createdAt',
    'pk',
    'sk',
    '__proto__',
    'constructor',
    'prototype',
    '',
  ),
  hostileString,
);
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    hostileString,
    fc.constantFrom('open', 'done', 'in_progress', '2027-01-31', '2026-02-30', 'x'),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 4 }).map((entries) => ({ __entries: entries })),
  ),
})).value;

/** JSON text of a value; `{__entries}` objects keep any key as an own property, `__proto__` included. */
function toJson(value: unknown): string {
  if (value && typeof value === 'object' && '__entries' in value) {
    return `{${(value as { __entries: [string, unknown][] }).__entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  return JSON.stringify(value) ?? 'null';
}

/** Objects shaped like the route's body (known fields, odd values) plus unknown and read-only fields. */
const plausibleBody = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom('name', 'title', 'description', 'status', 'dueDate'), jsonValue), { maxLength: 5 }),
    fc.array(fc.tuple(hostileKey, jsonValue), { maxLength: 3 }),
  )
  .map(([known, extra]) => toJson({ __entries: [...known, ...extra] }));
const validBody = fc
  .oneof(
    fc.record(
      { name: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /\S/.test(s)), description: fc.string({ maxLength: 50 }) },
      { requiredKeys: ['name'] },
    ),
    fc.record(
      {
        title: fc.string({ minLength: 1, maxLength: 200 }).filter((s) => /\S/.test(s)),
        status: fc.constantFrom('open', 'done', 'in_progress'),
      },
      { requiredKeys: ['title'] },
    ),
  )
  .map((body) => JSON.stringify(body));

const rawBody = fc.oneof(
  { weight: 4, arbitrary: plausibleBody },
  { weight: 3, arbitrary: validBody },
  { weight: 2, arbitrary: jsonValue.map(toJson) },
  { weight: 1, arbitrary: fc.tuple(plausibleBody, fc.nat()).map(([body, n]) => body.slice(0, n % (body.length + 1))) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 30_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => '{"name":'.repeat(n) + '"x"' + '}'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => JSON.stringify({ name: 'big', description: 'y'.repeat(n) })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 4_000 }).map((n) => toJson({ __entries: Array.from({ length: n }, (_, i) => [`k${i}`, i]) })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"name":"\\ud800"}',
      '{"name":"a\\u0000b"}',
      '{"name":"x","name":"y"}',
      '{"__proto__":{"admin":true},"name":"p"}',
      '{"constructor":{"prototype":{"polluted":1}},"title":"t"}',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

const contentType = fc.option(
  fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'application/merge-patch+json',
        'application/json; charset=utf-8',
        'APPLICATION/JSON',
        'application/problem+json',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonx',
        'application/json/x',
        '',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  ),
  { nil: undefined, freq: 8 },
);
const entityTags = fc.constantFrom(
  '"1"',
  '"2"',
  'W/"1"',
  '*',
  '"1", "2"',
  '"99999999999999999999"',
  '"-1"',
  '"1.5"',
  '""',
  ',,,',
  'W/',
  '"1"'.repeat(200),
);
const conditionalHeader = fc.option(fc.oneof(entityTags, hostileString), { nil: undefined, freq: 3 });
const idempotencyKey = fc.option(fc.oneof(fc.uuid(), fc.constantFrom('fixed-key', 'a,b', 'k'.repeat(300)), hostileString), {
  nil: undefined,
});
const otherHeaders = fc.dictionary(
  fc.oneof(
    fc.constantFrom('Content-Type', 'IF-MATCH', 'x-forwarded-for', 'authorization', 'host', 'cookie', 'origin'),
    hostileString.map((s) => s.toLowerCase()),
  ),
  hostileString,
  { maxKeys: 3 },
);

const id = (existing: () => string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant(null).map(() => existing()[0]!) },
    { weight: 1, arbitrary: fc.constant(null).map(() => existing()[1] ?? existing()[0]!) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    { weight: 2, arbitrary: hostileString },
  );
const projectId = id(() => [fixtures.projectId, fixtures.foreignProjectId]);
const taskId = id(() => [fixtures.taskId]);

const queryValue = fc.oneof(
  fc.constantFrom('1', '20', '100', '0', '101', '-1', '1.5', '1e2', '05', 'open', 'done', 'blocked', '1,2', 'a,b', ''),
  fc.constant(null).map(() => fixtures.cursor),
  fc.constant(null).map(() => fixtures.foreignCursor),
  fc.constant(null).map(() => `${fixtures.cursor}x`),
  fc.constant(null).map(() => `${fixtures.cursor.split('.')[0]}.${'A'.repeat(22)}`),
  fc
    .constant(null)
    .map(
      () =>
        `${Buffer.from(JSON.stringify({ v: 1, s: 'projects', k: { pk: keyOf(projectEntity, { tenantId: 'tenant:globex', projectId: 'x' }).pk, sk: projectPrefix } })).toString('base64url')}.AAAA`,
    ),
  hostileString,
);
const query = fc.option(
  fc.dictionary(
    fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'LIMIT', '__proto__', 'constructor', 'limit[]'), hostileString),
    queryValue,
    { maxKeys: 4 },
  ),
  { nil: undefined },
);

const claims = fc.oneof(
  { weight: 6, arbitrary: fc.constant(DEFAULT_CLAIMS) },
  { weight: 1, arbitrary: fc.constant({ sub: 'mallory', tenant: 'globex' }) },
  { weight: 1, arbitrary: fc.record({ sub: hostileString, tenant: hostileString }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, {}, { sub: '' }, { sub: 'u', tenant: '' }, { sub: 'u', tenant: `acme#${projectPrefix}x` }),
  },
);

interface Case {
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  base64: boolean;
  claims: Record<string, string> | null;
}

const caseOf = (pathParameters: fc.Arbitrary<Record<string, string> | undefined>) =>
  fc
    .record({
      pathParameters,
      query,
      body: fc.option(rawBody, { nil: undefined, freq: 5 }),
      base64: fc.boolean(),
      claims,
      contentType,
      ifMatch: conditionalHeader,
      ifNoneMatch: conditionalHeader,
      idempotencyKey,
      other: otherHeaders,
    })
    .map(({ contentType: type, ifMatch, ifNoneMatch, idempotencyKey: key, other, ...rest }): Case => {
      const headers: Record<string, string> = { ...other };
      if (type !== undefined) headers['content-type'] = type;
      if (ifMatch !== undefined) headers['if-match'] = ifMatch;
      if (ifNoneMatch !== undefined) headers['if-none-match'] = ifNoneMatch;
      if (key !== undefined) headers['idempotency-key'] = key;
      return { ...rest, claims: rest.claims as Case['claims'], headers };
    });

const noParams = fc.constant(undefined);
const projectParams = fc.option(fc.record({ projectId }), { nil: undefined, freq: 20 });
const taskParams = fc.option(fc.record({ projectId, taskId }), { nil: undefined, freq: 20 });
const assetParams = fc.record({
  asset: fc.oneof(fc.constantFrom('swagger-ui.css', 'init.js', '__proto__', 'toString', '../openapi.json'), hostileString),
});

// ---------------------------------------------------------------- properties
/** What a response must never show: stack traces, engine and SDK errors, and the table's key labels. */
const INTERNALS = new RegExp(
  [
    String.raw`Exception|DynamoDB|dynalite|node_modules|\.m?[jt]s:\d+|\n\s+at |ConditionalCheck|ValidationError|TypeError|undefined is not|Cannot read`,
    ...[projectEntity.keys.pk, projectEntity.keys.sk].map(keyPrefix),
  ].join('|'),
);
/** Placeholders (#n0, :v0), the attribute-name keywords the data layer and Powertools use, operators. */
const EXPRESSION_TOKEN =
  /^(?:#[A-Za-z0-9_]+|:[A-Za-z0-9_]+|SET|REMOVE|AND|OR|NOT|IN|attribute_exists|attribute_not_exists|begins_with|[=<>+,()]|<=|>=)$/;

const tally = new Map<string, Map<string, number>>();
function record(operation: string, outcome: string) {
  const counts = tally.get(operation) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  tally.set(operation, counts);
}

function checkResponse(operation: string, allowed: ReadonlySet<string>, response: HttpResponse) {
  const { statusCode: status, headers } = response;
  record(operation, String(status));
  expect(status).toBeLessThan(500); // never a 5xx
  expect(headers['x-content-type-options']).toBe('nosniff');
  // A representation caches may revalidate (a GET's 200 or 304), or else nothing to store.
  const responses = operation === 'notFound' ? {} : (routeOf(operation as OperationId).responses as Record<number, SuccessResponse>);
  const revalidate = responses[status]?.revalidate;
  expect(headers['cache-control']).toBe(revalidate ? CACHE_CONTROL_REVALIDATE : 'no-store');
  if (status === 204 || status === 304) return expect(response.body ?? '').toBe('');
  if (/^text\//.test(headers['content-type'] ?? '')) return expect(status).toBe(200);
  const body = JSON.parse(response.body ?? 'null') as Record<string, unknown> & { errors?: { pointer: string; message: string }[] };
  if (status >= 400) {
    expect(headers['content-type']).toBe('application/problem+json');
    expect(validateProblem(body)).toEqual({ ok: true, value: body });
    expect(body.status).toBe(status);
    expect([...allowed]).toContain(body.type);
    // Pointers may name the client's own (unknown) fields; everything else is ours.
    const ours = JSON.stringify({ ...body, errors: body.errors?.map((e) => e.message) });
    expect(ours).not.toMatch(INTERNALS);
    return;
  }
  expect(headers['content-type']).toMatch(/^application\/json|^text\//);
  if ('items' in body) {
    expect(Object.keys(body).sort()).toEqual(['items', 'nextCursor']);
    for (const item of body.items as unknown[])
      expect(('title' in (item as object) ? validateTask(item) : validateProject(item)).ok).toBe(true);
  } else if ('taskCounts' in body) expect(validateProject(body).ok).toBe(true);
  else if ('projectId' in body) expect(validateTask(body).ok).toBe(true);
}

function checkExpressions() {
  const seen = expressions.splice(0);
  for (const expression of seen) {
    const tokens = expression
      .replace(/([(),=<>+])/g, ' $1 ')
      .split(/\s+/)
      .filter(Boolean);
    expect(tokens.filter((token) => !EXPRESSION_TOKEN.test(token)).map((token) => `${token} in ${expression}`)).toEqual([]);
  }
}

const ROUTES: [OperationId | 'notFound', Handler, fc.Arbitrary<Record<string, string> | undefined>][] = [
  ['createProject', createProject, noParams],
  ['listProjects', listProjects, noParams],
  ['getProject', getProject, projectParams],
  ['updateProject', updateProject, projectParams],
  ['createTask', createTask, projectParams],
  ['listTasks', listTasks, projectParams],
  ['getTask', getTask, taskParams],
  ['updateTask', updateTask, taskParams],
  ['listActivity', listActivity, projectParams],
  ['getOpenApiDocument', openApiDocument, noParams],
  ['getDocsPage', docsPage, noParams],
  ['getDocsAsset', docsAsset, assetParams],
  // API Gateway's $default route: a method that /projects does not take.
  ['notFound', notFound, noParams],
  // Last: they may delete the fixtures the others read.
  ['deleteTask', deleteTask, taskParams],
  ['deleteProject', deleteProject, projectParams],
];

describe(`hostile input, ${RUNS} cases per route`, () => {
  it.each(ROUTES)(
    '%s',
    async (operation, handler, params) => {
      const kinds: ProblemKind[] = operation === 'notFound' ? ['notFound', 'methodNotAllowed'] : problemsOf(routeOf(operation));
      const allowed = new Set(kinds.map((kind) => PROBLEM_TYPES[kind].type));
      await fc.assert(
        fc.asyncProperty(caseOf(params), async (c) => {
          const request = { params: c.pathParameters, query: c.query, headers: c.headers, claims: c.claims };
          const event = operation === 'notFound' ? defaultRouteEvent('PUT', '/projects', request) : apiEvent(operation, request);
          if (c.body !== undefined) event.body = c.base64 ? Buffer.from(c.body, 'utf8').toString('base64') : c.body;
          event.isBase64Encoded = c.body !== undefined && c.base64;
          checkResponse(operation, allowed, await handler(event, lambdaContext()));
          checkExpressions();
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(60_000, RUNS * 60),
  );
});

afterAll(() => {
  const lines = [...tally].map(([operation, counts]) => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const byStatus = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}:${n}`)
      .join(' ');
    return `  ${operation.padEnd(20)} ${String(total).padStart(6)} cases  ${byStatus}`;
  });
  console.log(`fuzz: cases per route and their statuses\n${lines.join('\n')}`);
});
