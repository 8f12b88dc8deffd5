// Conditional requests as RFC 9110 specifies them: one table of If-Match / If-None-Match cases,
// each sent with GET, PATCH and DELETE of a project and of a task at version 2 (ETag "2"), on
// the embedded DynamoDB. If-Match compares strongly, If-None-Match weakly; any well-formed tag
// is compared; a failed If-None-Match is a 304 on GET and a 412 on a write; only a malformed
// header is a 400.
import { CACHE_CONTROL_REVALIDATE } from '@app/schema';
import { apiEvent, invoke, startTestDatabase, type ApiHandler, type ApiReply, type TestDatabase } from '@app/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as deleteProject } from '../src/handlers/projects/delete.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as deleteTask } from '../src/handlers/tasks/delete.js';
import { handler as getTask } from '../src/handlers/tasks/get.js';
import { handler as updateTask } from '../src/handlers/tasks/update.js';
import { expectProblem, UNKNOWN_ID } from './support.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

/** What a request gets: the method's success, 304, 412 or a 400 for a malformed header. */
type Outcome = 'ok' | 304 | 412 | 400;
type Headers = Record<string, string>;

// [case, request headers, outcome of a GET, outcome of a PATCH or DELETE]; the resource is at "2".
const CASES: [string, Headers, Outcome, Outcome][] = [
  ['no condition', {}, 'ok', 'ok'],
  // If-Match: strong comparison; `*` asks only that the resource exist.
  ['If-Match of the current tag', { 'if-match': '"2"' }, 'ok', 'ok'],
  ['If-Match of a replaced tag', { 'if-match': '"1"' }, 412, 412],
  ['If-Match of a tag the API never issued', { 'if-match': '"stale-etag"' }, 412, 412],
  ['If-Match of a list holding the current tag', { 'if-match': '"1", "2"' }, 'ok', 'ok'],
  ['If-Match of a list without it', { 'if-match': '"1","3"' }, 412, 412],
  ['If-Match of a list with empty elements', { 'if-match': ' "7" ,, "2" ' }, 'ok', 'ok'],
  ['If-Match: *', { 'if-match': '*' }, 'ok', 'ok'],
  ['If-Match of the weak current tag', { 'if-match': 'W/"2"' }, 412, 412],
  ['If-Match of "02"', { 'if-match': '"02"' }, 412, 412],
  ['If-Match of a 23-digit tag', { 'if-match': '"99999999999999999999999"' }, 412, 412],
  ['If-Match of an empty tag', { 'if-match': '""' }, 412, 412],
  ['If-Match of a tag holding a comma', { 'if-match': '"2,3"' }, 412, 412],
  ['If-Match of an empty list', { 'if-match': '' }, 412, 412],
  ['If-Match that is not an entity tag', { 'if-match': 'banana' }, 400, 400],
  ['If-Match of an unquoted number', { 'if-match': '2' }, 400, 400],
  ['If-Match of a bare W/', { 'if-match': 'W/' }, 400, 400],
  ['If-Match of a lower-case w/', { 'if-match': 'w/"2"' }, 400, 400],
  ['If-Match of * in a list', { 'if-match': '*, "2"' }, 400, 400],
  ['If-Match with an unclosed quote', { 'if-match': '"2' }, 400, 400],
  ['If-Match with a space inside a tag', { 'if-match': '"2 3"' }, 400, 400],
  ['If-Match longer than 256 characters', { 'if-match': Array.from({ length: 60 }, (_, i) => `"${i + 100}"`).join(', ') }, 400, 400],
  // If-None-Match: weak comparison; false is a 304 on GET, a 412 on a write.
  ['If-None-Match of the current tag', { 'if-none-match': '"2"' }, 304, 412],
  ['If-None-Match of the weak current tag', { 'if-none-match': 'W/"2"' }, 304, 412],
  ['If-None-Match of a replaced tag', { 'if-none-match': '"1"' }, 'ok', 'ok'],
  ['If-None-Match of a tag the API never issued', { 'if-none-match': '"stale-etag"' }, 'ok', 'ok'],
  ['If-None-Match of a list holding the current tag', { 'if-none-match': '"1", W/"2"' }, 304, 412],
  ['If-None-Match: *', { 'if-none-match': '*' }, 304, 412],
  ['If-None-Match that is garbled', { 'if-none-match': 'W/"x", *, "", garbage' }, 400, 400],
  // Both: If-Match first (RFC 9110 13.2.2).
  ['a failing If-Match with a failing If-None-Match', { 'if-match': '"1"', 'if-none-match': '"2"' }, 412, 412],
  ['a holding If-Match with a failing If-None-Match', { 'if-match': '"2"', 'if-none-match': '"2"' }, 304, 412],
  ['a holding If-Match with a holding If-None-Match', { 'if-match': '"2"', 'if-none-match': '"1"' }, 'ok', 'ok'],
  ['a malformed If-None-Match with a holding If-Match', { 'if-match': '"2"', 'if-none-match': 'x' }, 400, 400],
];

interface Resource {
  name: string;
  /** Makes one at version 2; the ids are the path parameters of the routes below. */
  make(): Promise<Record<string, string>>;
  get: ApiHandler;
  update: ApiHandler;
  remove: ApiHandler;
  operations: { get: 'getProject' | 'getTask'; update: 'updateProject' | 'updateTask'; remove: 'deleteProject' | 'deleteTask' };
  patch: Record<string, unknown>;
}

async function created(handler: ApiHandler, event: Parameters<typeof apiEvent>) {
  const reply = await invoke(handler, apiEvent(...event));
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

const RESOURCES: Resource[] = [
  {
    name: 'a project',
    async make() {
      const projectId = await created(createProject, ['createProject', { body: { name: 'Conditional' } }]);
      expect((await invoke(updateProject, apiEvent('updateProject', { params: { projectId }, body: { name: 'v2' } }))).status).toBe(200);
      return { projectId };
    },
    get: getProject,
    update: updateProject,
    remove: deleteProject,
    operations: { get: 'getProject', update: 'updateProject', remove: 'deleteProject' },
    patch: { name: 'changed' },
  },
  {
    name: 'a task',
    async make() {
      const projectId = await created(createProject, ['createProject', { body: { name: 'Tasks' } }]);
      const taskId = await created(createTask, ['createTask', { params: { projectId }, body: { title: 'Conditional' } }]);
      const params = { projectId, taskId };
      expect((await invoke(updateTask, apiEvent('updateTask', { params, body: { title: 'v2' } }))).status).toBe(200);
      return params;
    },
    get: getTask,
    update: updateTask,
    remove: deleteTask,
    operations: { get: 'getTask', update: 'updateTask', remove: 'deleteTask' },
    patch: { title: 'changed' },
  },
];

/** The reply is the refusal an outcome other than `ok` and 304 names. */
function expectRefusal(reply: ApiReply, outcome: 412 | 400) {
  if (outcome === 412) expectProblem(reply, 412, '/problems/precondition-failed');
  else {
    expectProblem(reply, 400, '/problems/bad-request');
    expect(reply.body.errors).toEqual([{ pointer: expect.stringMatching(/^\/headers\/if-(none-)?match$/), message: expect.any(String) }]);
  }
}

describe.each(RESOURCES)('conditional requests on $name', (resource) => {
  const read = (params: Record<string, string>) => invoke(resource.get, apiEvent(resource.operations.get, { params }));

  describe('GET', () => {
    it.each(CASES)('%s', async (_, headers, outcome) => {
      // Prepare
      const params = await resource.make();

      // Act
      const reply = await invoke(resource.get, apiEvent(resource.operations.get, { params, headers }));

      // Assess
      if (outcome === 'ok') {
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ version: 2 });
        expect(reply.headers).toMatchObject({ etag: '"2"', 'cache-control': CACHE_CONTROL_REVALIDATE });
      } else if (outcome === 304) {
        expect(reply.status).toBe(304);
        expect(reply.body).toBeUndefined();
        expect(reply.headers).toMatchObject({ etag: '"2"', 'cache-control': CACHE_CONTROL_REVALIDATE });
        expect(reply.headers).not.toHaveProperty('content-type');
      } else {
        expectRefusal(reply, outcome);
        expect(reply.headers['cache-control']).toBe('no-store');
      }
    });
  });

  describe('PATCH', () => {
    it.each(CASES)('%s', async (_, headers, _get, outcome) => {
      // Prepare
      const params = await resource.make();

      // Act
      const reply = await invoke(resource.update, apiEvent(resource.operations.update, { params, headers, body: resource.patch }));

      // Assess
      const stored = (await read(params)).body;
      if (outcome === 'ok') {
        expect(reply.status).toBe(200);
        expect(reply.headers.etag).toBe('"3"');
        expect(stored).toMatchObject({ ...resource.patch, version: 3 });
      } else {
        expectRefusal(reply, outcome as 412 | 400);
        expect(stored).toMatchObject({ version: 2 });
      }
    });
  });

  describe('DELETE', () => {
    it.each(CASES)('%s', async (_, headers, _get, outcome) => {
      // Prepare
      const params = await resource.make();

      // Act
      const reply = await invoke(resource.remove, apiEvent(resource.operations.remove, { params, headers }));

      // Assess
      const after = await read(params);
      if (outcome === 'ok') {
        expect(reply.status).toBe(204);
        expect(after.status).toBe(404);
      } else {
        expectRefusal(reply, outcome as 412 | 400);
        expect(after.status).toBe(200);
      }
    });
  });

  it.each<[string, Headers]>([
    ['If-Match of a tag', { 'if-match': '"1"' }],
    ['If-None-Match: *', { 'if-none-match': '*' }],
  ])('answers a write of a missing one with %s 404, not 412 (RFC 9110 13.2.1)', async (_, headers) => {
    // Prepare: the resource's last id names nothing (a task's project exists)
    const names = Object.keys(await resource.make());
    const params = { ...(await resource.make()), [names.at(-1)!]: UNKNOWN_ID };

    // Act
    const reply = await invoke(resource.remove, apiEvent(resource.operations.remove, { params, headers }));

    // Assess
    expectProblem(reply, 404, '/problems/not-found');
  });
});
