// The client's types, checked by the compiler (`npm run typecheck` compiles this file; jest
// runs it too, where each `it` only shows that the checks are there). A line under
// `@ts-expect-error` must fail to compile, or the typecheck fails: a wrong body field, a
// missing path, an option an operation does not take.
import type { OperationId as RouteOperationId, PROBLEM_TYPES } from '@app/schema';
import { describe, expect, it } from '@jest/globals';
import { expectTypeOf } from 'expect-type';
import { createClient, NotModified, paginate, type ApiProblem, type OperationId, type ProblemType, type Schemas } from '../src/index.js';

type Project = Schemas['Project'];
type Task = Schemas['Task'];
const api = createClient({ baseUrl: 'http://127.0.0.1:9' });
const projectId = '01890000-0000-7000-8000-000000000000';
const taskId = '01890000-0000-7000-8000-000000000001';
/** Type-checks `call` without running it: these tests call no server. */
const compiles = (call: () => unknown) => expect(typeof call).toBe('function');

describe('the client type', () => {
  it('has one method per operation of the route table', () => {
    expectTypeOf<OperationId>().toEqualTypeOf<RouteOperationId>();
    expectTypeOf(api).toHaveProperty('createProject');
    compiles(() => {
      // @ts-expect-error: no such operation
      void api.createProjects;
    });
  });

  it('types bodies from the schemas: a missing, misspelt or mistyped field does not compile', () => {
    compiles(() => api.createProject({ body: { name: 'x', description: 'y' } }));
    compiles(() => {
      // @ts-expect-error: `nmae` is not a field of ProjectCreate
      void api.createProject({ body: { name: 'x', nmae: 'y' } });
      // @ts-expect-error: `name` is required
      void api.createProject({ body: { description: 'y' } });
      // @ts-expect-error: `status` is open | in_progress | done
      void api.createTask({ path: { projectId }, body: { title: 't', status: 'someday' } });
      // @ts-expect-error: the body is required
      void api.createProject({});
      // @ts-expect-error: server-managed fields are not part of a patch
      void api.updateTask({ path: { projectId, taskId }, body: { version: 3 } });
    });
  });

  it('requires the path parameters an operation has, and only those', () => {
    compiles(() => api.getTask({ path: { projectId, taskId } }));
    compiles(() => {
      // @ts-expect-error: getTask needs taskId too
      void api.getTask({ path: { projectId } });
      // @ts-expect-error: getProject needs a path
      void api.getProject({});
      // @ts-expect-error: listProjects has no path parameters
      void api.listProjects({ path: { projectId } });
    });
  });

  it('types the query, and lets an operation that needs nothing be called without arguments', () => {
    compiles(() => api.listProjects());
    compiles(() => api.listTasks({ path: { projectId }, query: { status: 'done', limit: '10' } }));
    compiles(() => {
      // @ts-expect-error: listProjects takes no status
      void api.listProjects({ query: { status: 'done' } });
      // @ts-expect-error: a status the document does not list
      void api.listTasks({ path: { projectId }, query: { status: 'blocked' } });
    });
  });

  it('resolves to the typed body, with `etag` where the response has an ETag', () => {
    expectTypeOf(api.createProject).returns.resolves.toEqualTypeOf<Project & { readonly etag: string }>();
    expectTypeOf(api.updateTask).returns.resolves.toEqualTypeOf<Task & { readonly etag: string }>();
    expectTypeOf(api.listTasks).returns.resolves.toEqualTypeOf<Schemas['TaskPage']>();
    expectTypeOf(api.deleteProject).returns.resolves.toEqualTypeOf<undefined>();
    expectTypeOf(api.getDocsPage).returns.resolves.toEqualTypeOf<string>();
  });

  it('resolves a GET with ifNoneMatch to the body or NotModified, told apart by instanceof', () => {
    const read = () => api.getProject({ path: { projectId }, ifNoneMatch: '"1"' });
    expectTypeOf(read).returns.resolves.toEqualTypeOf<(Project & { readonly etag: string }) | NotModified>();
    expectTypeOf(() => api.getProject({ path: { projectId } })).returns.resolves.toEqualTypeOf<Project & { readonly etag: string }>();
    compiles(async () => {
      const result = await read();
      if (result instanceof NotModified) expectTypeOf(result.etag).toBeString();
      else expectTypeOf(result.name).toBeString();
    });
  });

  it('offers ifMatch, ifNoneMatch and idempotencyKey only where the operation declares the header', () => {
    compiles(() => api.updateProject({ path: { projectId }, body: { name: 'x' }, ifMatch: '"1"', ifNoneMatch: ['"2"', 'W/"3"'] }));
    compiles(() => api.createProject({ body: { name: 'x' }, idempotencyKey: true }));
    compiles(() => {
      // @ts-expect-error: a create has no entity tag to match
      void api.createProject({ body: { name: 'x' }, ifMatch: '"1"' });
      // @ts-expect-error: only creates take an Idempotency-Key
      void api.deleteTask({ path: { projectId, taskId }, idempotencyKey: true });
      // @ts-expect-error: conditions are options, not raw headers
      void api.updateProject({ path: { projectId }, body: { name: 'x' }, headers: { 'If-Match': '"1"' } });
    });
  });

  it('pages through items of the list operation it is given, and takes only list operations', () => {
    expectTypeOf(paginate(api.listTasks, { path: { projectId } })).toEqualTypeOf<AsyncGenerator<Task, void, undefined>>();
    expectTypeOf(paginate(api.listProjects)).toEqualTypeOf<AsyncGenerator<Project, void, undefined>>();
    compiles(() => {
      // @ts-expect-error: listTasks needs its path
      void paginate(api.listTasks);
      // @ts-expect-error: getProject is not a list
      void paginate(api.getProject, { path: { projectId } });
    });
  });

  it('types ApiProblem from the problem catalogue', () => {
    expectTypeOf<ProblemType>().toEqualTypeOf<(typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES]['type'] | 'about:blank'>();
    expectTypeOf<ApiProblem['errors']>().toEqualTypeOf<readonly { pointer: string; message: string }[]>();
    expectTypeOf<ApiProblem['status']>().toBeNumber();
  });
});
