import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { buildOpenApiDocument, matchRoute, PROBLEM_TYPES, problemsOf, ROUTES, toValidationIssues, type RouteDefinition } from './index.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document
const document = buildOpenApiDocument() as Json;
const operations = Object.entries(document.paths as Json).flatMap(([path, methods]) =>
  Object.entries(methods as Json).map(([method, operation]) => ({ path, method, operation: operation as Json })),
);

describe('the OpenAPI document', () => {
  it('is the one written at build time, and the same on every build', () => {
    // Act
    const generated = JSON.parse(readFileSync(new URL('./generated/openapi.json', import.meta.url), 'utf8'));

    // Assess
    expect(generated).toEqual(document);
    expect(buildOpenApiDocument()).toEqual(document);
  });

  it('has one operation per route, and bearer security by default', () => {
    // Assess
    expect(operations.map((o) => `${o.method} ${o.path}`).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  describe.each((ROUTES as readonly RouteDefinition[]).map((route) => [route.operationId, route] as const))('operation %s', (_, route) => {
    const operation = () => operations.find((o) => o.operation.operationId === route.operationId)!.operation;

    it("takes the route's path, query and header parameters, in that order", () => {
      const parameters = (operation().parameters ?? []).map((p: { $ref: string }) => p.$ref.split('/').pop());
      expect(parameters).toEqual([...(route.pathParams ?? []), ...(route.query ?? []), ...(route.headers ?? [])]);
    });

    it("takes the route's body media types", () => {
      expect(Object.keys(operation().requestBody?.content ?? {})).toEqual(route.body?.mediaTypes ?? []);
    });

    it(route.public ? 'needs no token' : 'needs the bearer token (the default security)', () => {
      expect(operation().security).toEqual(route.public ? [] : undefined);
    });

    it.each(problemsOf(route))('lists the %s problem under its status, as problem+json', (kind) => {
      const { type, status } = PROBLEM_TYPES[kind];
      const schema = operation().responses[String(status)].content['application/problem+json'].schema;
      expect(schema.properties.type.enum).toContain(type);
    });
  });

  it("describes every problem type in the document's introduction", () => {
    const described = JSON.stringify(document.info.description);
    for (const { type } of Object.values(PROBLEM_TYPES)) expect(described).toContain(type);
  });

  it('documents the headers: ETag, Location, If-Match, If-None-Match, Idempotency-Key, Retry-After, WWW-Authenticate', () => {
    // Act
    const createProject = operations.find((o) => o.operation.operationId === 'createProject')!.operation;
    const getTask = operations.find((o) => o.operation.operationId === 'getTask')!.operation;

    // Assess
    expect(Object.keys(createProject.responses['201'].headers)).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'Idempotent-Replayed']),
    );
    expect(createProject.responses['409'].headers['Retry-After']).toBeDefined();
    expect(createProject.responses['422'].content['application/problem+json'].schema.properties.type.enum).toEqual([
      '/problems/idempotency-key-reused',
    ]);
    expect(createProject.responses['503'].headers['Retry-After']).toBeDefined();
    expect(createProject.responses['401'].headers['WWW-Authenticate']).toBeDefined();
    expect(getTask.responses['304'].headers.ETag).toBeDefined();
    expect(Object.keys(document.components.parameters)).toEqual(expect.arrayContaining(['If-Match', 'If-None-Match', 'Idempotency-Key']));
  });

  it('describes the activity feed as a page of ActivityEntry', () => {
    // Act
    const listActivity = operations.find((o) => o.operation.operationId === 'listActivity')!;

    // Assess
    expect(listActivity.path).toBe('/projects/{projectId}/activity');
    expect(listActivity.operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ActivityEntryPage',
    });
    expect(document.components.schemas.ActivityEntryPage.properties.items.items).toEqual({ $ref: '#/components/schemas/ActivityEntry' });
  });
});

describe('routes', () => {
  it('match concrete paths to their templates, one segment per parameter', () => {
    expect(matchRoute('GET', '/projects/abc/tasks')?.operationId).toBe('listTasks');
    expect(matchRoute('patch', '/projects/abc/tasks/def')?.operationId).toBe('updateTask');
    expect(matchRoute('GET', '/projects/a/b/tasks')).toBeUndefined();
    expect(matchRoute('PUT', '/projects')).toBeUndefined();
  });
});

describe('validation issues', () => {
  it('never echo a huge property name into a pointer', () => {
    // Act
    const issues = toValidationIssues(
      [{ keyword: 'additionalProperties', instancePath: '', schemaPath: '#', params: { additionalProperty: 'k'.repeat(5_000) } }],
      'query',
    );

    // Assess
    expect(issues).toEqual([{ pointer: '/query', message: 'has an unrecognised property with a name over 200 characters' }]);
  });
});
