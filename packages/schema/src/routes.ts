// Every route of the API, described as data: each resource's routes (resources/*.ts) and the
// documentation's. The OpenAPI document (openapi.ts) is generated from this list and the
// schemas, and the API reads the same list, so the two cannot drift apart.
import { ACTIVITY_ROUTES } from './resources/activity.js';
import { PROJECT_ROUTES } from './resources/projects.js';
import { TASK_ROUTES } from './resources/tasks.js';
// new:resource: route imports
import { pathPattern, type RouteDefinition, type Tag } from './route-definition.js';

export * from './route-definition.js';

const DOCUMENTATION_TAG: Tag = { name: 'Documentation', description: 'This document and its reference page (no token needed).' };

export const DOCUMENTATION_ROUTES = [
  {
    operationId: 'getOpenApiDocument',
    method: 'get',
    path: '/openapi.json',
    summary: 'Get this OpenAPI document',
    description: 'The OpenAPI 3.1 description of the API, generated from its schemas.',
    tag: DOCUMENTATION_TAG,
    public: true,
    responses: { 200: { description: 'The OpenAPI document.', body: { mediaTypes: ['application/json'], freeForm: true } } },
  },
  {
    operationId: 'getDocsPage',
    method: 'get',
    path: '/docs',
    summary: 'Read the API reference',
    description: 'This API reference as a web page.',
    tag: DOCUMENTATION_TAG,
    public: true,
    responses: { 200: { description: 'The page.', body: { mediaTypes: ['text/html'], freeForm: true } } },
  },
  {
    operationId: 'getDocsAsset',
    method: 'get',
    path: '/docs/{asset}',
    summary: 'Get a file of the API reference page',
    description: 'The scripts and styles of the reference page, served by the API itself.',
    tag: DOCUMENTATION_TAG,
    public: true,
    pathParams: ['asset'],
    responses: {
      200: { description: 'The file (a script or a style sheet).', body: { mediaTypes: ['text/javascript', 'text/css'], freeForm: true } },
    },
    problems: ['notFound'],
  },
] as const satisfies readonly RouteDefinition[];

// One list of every route, in the reference's order. A marked pure call: a bundle that never
// reads the list (every function but the fallback's) drops it, and the route tables with it.
export const ROUTES = /* @__PURE__ */ [
  PROJECT_ROUTES,
  TASK_ROUTES,
  ACTIVITY_ROUTES,
  // new:resource: routes
  DOCUMENTATION_ROUTES,
].flat();

export type Route = (typeof ROUTES)[number];
export type OperationId = Route['operationId'];

/** The route of an operation id. */
export function routeOf(operationId: OperationId): RouteDefinition {
  return ROUTES.find((route) => route.operationId === operationId)!;
}

/** The route template of a concrete request path and method, e.g. for logs and contract checks. */
export function matchRoute(method: string, path: string): RouteDefinition | undefined {
  return ROUTES.find((route) => route.method === method.toLowerCase() && pathPattern(route.path).test(path));
}
