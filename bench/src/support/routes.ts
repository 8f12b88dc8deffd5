// The API's routes as the benchmarks exercise them: which function of services/api/serverless.yml
// serves each, its hand-written baseline (bench/baseline/handlers), a valid request against the
// bench's fixture, and what the stubbed database answers for the per-request measurement.
import { ROUTES as API_ROUTES } from '@app/schema';
import { apiEvent } from '@app/testing';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const TENANT = 'bench';
export const TENANT_ID = `tenant:${TENANT}`;
export const CLAIMS = { sub: 'bench-user', tenant: TENANT };

/** Ids the requests use; the spare ones are consumed one per DELETE. */
export interface Fixture {
  projectId: string;
  taskId: string;
  spareProjectIds: string[];
  spareTaskIds: string[];
}

export interface RequestSpec {
  method: string;
  /** Route template, as API Gateway's routeKey has it. */
  route: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

export interface RouteCase {
  /** Function name in services/api/serverless.yml. */
  functionName: string;
  /** bench/baseline/handlers/<baseline>.ts */
  baseline: string;
  kind: 'read' | 'write';
  /** The i-th request of a run (DELETEs take the i-th spare id). */
  request(fixture: Fixture, i: number): RequestSpec;
  /** Status both handlers must answer. */
  status: number;
  /** Stubbed DynamoDB answers by lib-dynamodb command name (per-request overhead). */
  stub: Partial<
    Record<
      'GetCommand' | 'QueryCommand' | 'PutCommand' | 'UpdateCommand' | 'DeleteCommand' | 'TransactWriteCommand' | 'BatchGetCommand',
      'project' | 'task' | 'projects' | 'tasks' | 'activity' | 'counts' | 'empty'
    >
  >;
}

const spare = (ids: string[], i: number, what: string) => {
  const id = ids[i];
  if (!id) throw new Error(`the fixture has no spare ${what} #${i}`);
  return id;
};

export const ROUTES: RouteCase[] = [
  {
    functionName: 'getProject',
    baseline: 'projects-get',
    kind: 'read',
    status: 200,
    request: (f) => ({ method: 'GET', route: '/projects/{projectId}', pathParameters: { projectId: f.projectId } }),
    stub: { GetCommand: 'project', BatchGetCommand: 'counts' },
  },
  {
    functionName: 'listProjects',
    baseline: 'projects-list',
    kind: 'read',
    status: 200,
    request: () => ({ method: 'GET', route: '/projects' }),
    stub: { QueryCommand: 'projects', BatchGetCommand: 'counts' },
  },
  {
    functionName: 'createProject',
    baseline: 'projects-create',
    kind: 'write',
    status: 201,
    request: (_f, i) => ({
      method: 'POST',
      route: '/projects',
      body: { name: `Bench project ${i}`, description: 'Created by npm run bench' },
    }),
    stub: { TransactWriteCommand: 'empty' }, // the project and its presence item
  },
  {
    functionName: 'updateProject',
    baseline: 'projects-update',
    kind: 'write',
    status: 200,
    request: (f, i) => ({
      method: 'PATCH',
      route: '/projects/{projectId}',
      pathParameters: { projectId: f.projectId },
      body: { name: `Renamed ${i}` },
    }),
    stub: { UpdateCommand: 'project', BatchGetCommand: 'counts' },
  },
  {
    functionName: 'deleteProject',
    baseline: 'projects-delete',
    kind: 'write',
    status: 204,
    request: (f, i) => ({
      method: 'DELETE',
      route: '/projects/{projectId}',
      pathParameters: { projectId: spare(f.spareProjectIds, i, 'project') },
    }),
    stub: { TransactWriteCommand: 'empty' }, // with its presence item and count shards
  },
  {
    functionName: 'createTask',
    baseline: 'tasks-create',
    kind: 'write',
    status: 201,
    request: (f, i) => ({
      method: 'POST',
      route: '/projects/{projectId}/tasks',
      pathParameters: { projectId: f.projectId },
      body: { title: `Bench task ${i}` },
    }),
    stub: { TransactWriteCommand: 'empty' },
  },
  {
    functionName: 'listTasks',
    baseline: 'tasks-list',
    kind: 'read',
    status: 200,
    request: (f) => ({ method: 'GET', route: '/projects/{projectId}/tasks', pathParameters: { projectId: f.projectId } }),
    stub: { GetCommand: 'project', QueryCommand: 'tasks' },
  },
  {
    functionName: 'getTask',
    baseline: 'tasks-get',
    kind: 'read',
    status: 200,
    request: (f) => ({
      method: 'GET',
      route: '/projects/{projectId}/tasks/{taskId}',
      pathParameters: { projectId: f.projectId, taskId: f.taskId },
    }),
    stub: { GetCommand: 'task' },
  },
  {
    functionName: 'updateTask',
    baseline: 'tasks-update',
    kind: 'write',
    status: 200,
    request: (f, i) => ({
      method: 'PATCH',
      route: '/projects/{projectId}/tasks/{taskId}',
      pathParameters: { projectId: f.projectId, taskId: f.taskId },
      body: { title: `Retitled ${i}` },
    }),
    stub: { GetCommand: 'project', UpdateCommand: 'task' },
  },
  {
    functionName: 'deleteTask',
    baseline: 'tasks-delete',
    kind: 'write',
    status: 204,
    request: (f, i) => ({
      method: 'DELETE',
      route: '/projects/{projectId}/tasks/{taskId}',
      pathParameters: { projectId: f.projectId, taskId: spare(f.spareTaskIds, i, 'task') },
    }),
    stub: { GetCommand: 'project', DeleteCommand: 'empty' },
  },
  {
    functionName: 'listActivity',
    baseline: 'activity-list',
    kind: 'read',
    status: 200,
    request: (f) => ({ method: 'GET', route: '/projects/{projectId}/activity', pathParameters: { projectId: f.projectId } }),
    stub: { GetCommand: 'project', QueryCommand: 'activity' },
  },
];

/** The API Gateway HTTP API (payload 2.0) event of a request, with the authorizer's verified claims. */
export function httpEvent(spec: RequestSpec, requestId: string): APIGatewayProxyEventV2 {
  const route = API_ROUTES.find((r) => r.method === spec.method.toLowerCase() && r.path === spec.route);
  if (!route) throw new Error(`no route ${spec.method} ${spec.route} in packages/schema`);
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  return apiEvent(route.operationId, {
    params: spec.pathParameters,
    query: spec.query,
    rawBody: body,
    claims: CLAIMS,
    requestId,
    // What a client sends through API Gateway, so that the handlers read realistic headers.
    headers: {
      accept: 'application/json',
      'user-agent': 'bench',
      host: 'api.example.com',
      authorization: 'Bearer (verified by API Gateway)',
      ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}),
    },
  });
}

export { lambdaContext } from '@app/testing/lambda-context';
