// DynamoDB faults (throttling, timeouts, service errors) injected with aws-sdk-client-mock on
// the shared clients (the repositories' document client, and the DynamoDB client under it that
// the Idempotency-Key store uses); every call not faulted goes through to the embedded DynamoDB.
import { getClients } from '@app/data';
import { apiEvent, invoke, lambdaContext, startTestDatabase, type ApiReply, type TestDatabase } from '@app/testing';
import { InternalServerError, ProvisionedThroughputExceededException, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as getProject } from '../src/handlers/projects/get.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { handler as createTask } from '../src/handlers/tasks/create.js';
import { handler as deleteTask } from '../src/handlers/tasks/delete.js';
import { handler as listTasks } from '../src/handlers/tasks/list.js';
import { freshTenant, UNKNOWN_ID } from './support.js';

let db: TestDatabase;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document client's commands
let dynamo: AwsStub<any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the DynamoDB client's commands (the idempotency store's)
let store: AwsStub<any, any, any>;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());
beforeEach(() => {
  dynamo = mockClient(getClients().documents);
  store = mockClient(getClients().dynamodb);
  // Everything not faulted below reaches the embedded DynamoDB (sinon: the stub calls the real send).
  dynamo.send.callThrough();
  store.send.callThrough();
});
afterEach(() => {
  dynamo.restore();
  store.restore();
});

const meta = { $metadata: { httpStatusCode: 400 } };
const FAULTS = {
  'provisioned throughput exceeded': () =>
    new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput', ...meta }),
  'request throttled': () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...meta }),
  'socket timeout': () => Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }),
  'connection refused': () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }),
  'internal server error': () => new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } }),
  'service unavailable': () =>
    Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
};

function expectUnavailable(reply: ApiReply) {
  expect(reply.status).toBe(503);
  expect(reply.headers).toMatchObject({
    'retry-after': '1',
    'content-type': 'application/problem+json',
    'x-content-type-options': 'nosniff',
  });
  expect(reply.body).toMatchObject({ type: '/problems/service-unavailable', status: 503 });
  expect(JSON.stringify(reply.body)).not.toMatch(/Exception|Throttl|ECONN|timed out|DynamoDB|Rate|\.ts:|\.js:/);
}

describe.each(Object.entries(FAULTS))('%s', (_label, fault) => {
  it('on a create: 503 with Retry-After, and nothing written', async () => {
    // Prepare
    const claims = freshTenant();
    dynamo.on(PutCommand).rejectsOnce(fault());

    // Act
    const reply = await invoke(createProject, apiEvent('createProject', { body: { name: 'Never' }, claims }));

    // Assess
    expectUnavailable(reply);
    expect((await invoke(listProjects, apiEvent('listProjects', { claims }))).body.items).toEqual([]);
  });

  it('on an update: 503, and the item unchanged', async () => {
    // Prepare
    const claims = freshTenant();
    const project = (await invoke(createProject, apiEvent('createProject', { body: { name: 'Before' }, claims }))).body;
    dynamo.on(UpdateCommand).rejectsOnce(fault());
    const p = { projectId: project.id };

    // Act
    const reply = await invoke(updateProject, apiEvent('updateProject', { params: p, body: { name: 'After' }, claims }));

    // Assess
    expectUnavailable(reply);
    expect((await invoke(getProject, apiEvent('getProject', { params: p, claims }))).body).toMatchObject({
      name: 'Before',
      version: 1,
    });
  });
});

describe('faults on the other calls of a request', () => {
  it('a failed transaction (project check and task write) writes nothing', async () => {
    // Prepare
    const claims = freshTenant();
    const project = (await invoke(createProject, apiEvent('createProject', { body: { name: 'P' }, claims }))).body;
    dynamo.on(TransactWriteCommand).rejectsOnce(FAULTS['socket timeout']());

    // Act
    const reply = await invoke(createTask, apiEvent('createTask', { params: { projectId: project.id }, body: { title: 'T' }, claims }));

    // Assess
    expectUnavailable(reply);
    expect((await invoke(listTasks, apiEvent('listTasks', { params: { projectId: project.id }, claims }))).body.items).toEqual([]);
  });

  it('a failed delete leaves the item in place', async () => {
    // Prepare
    const claims = freshTenant();
    const project = (await invoke(createProject, apiEvent('createProject', { body: { name: 'P' }, claims }))).body;
    const task = (await invoke(createTask, apiEvent('createTask', { params: { projectId: project.id }, body: { title: 'T' }, claims })))
      .body;
    dynamo.on(DeleteCommand).rejectsOnce(FAULTS['internal server error']());

    // Act
    const reply = await invoke(deleteTask, apiEvent('deleteTask', { params: { projectId: project.id, taskId: task.id }, claims }));

    // Assess
    expectUnavailable(reply);
    const tasks = await invoke(listTasks, apiEvent('listTasks', { params: { projectId: project.id }, claims }));
    expect(tasks.body.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
  });
});

describe('faults with an Idempotency-Key', () => {
  const post = (claims: Record<string, string>, key: string) =>
    invoke(createProject, apiEvent('createProject', { body: { name: 'Keyed' }, claims, headers: { 'idempotency-key': key } }));

  it('a failed write leaves the key free: the retry with the same key creates the one project', async () => {
    // Prepare
    const claims = freshTenant();
    dynamo.on(PutCommand).rejectsOnce(FAULTS['request throttled']());

    // Act
    const failed = await post(claims, 'retry-me');
    const retried = await post(claims, 'retry-me');

    // Assess
    expectUnavailable(failed);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect((await invoke(listProjects, apiEvent('listProjects', { claims }))).body.items).toHaveLength(1);
  });

  it('a throttled idempotency store answers 503 and writes nothing', async () => {
    // Prepare
    const claims = freshTenant();
    store.on(PutItemCommand).rejectsOnce(FAULTS['provisioned throughput exceeded']());

    // Act
    const reply = await post(claims, 'store-down');

    // Assess
    expectUnavailable(reply);
    expect((await invoke(listProjects, apiEvent('listProjects', { claims }))).body.items).toEqual([]);
  });

  it('a response that cannot be stored is still answered as it happened (201), once', async () => {
    // Prepare
    const claims = freshTenant();
    store.on(UpdateItemCommand).rejectsOnce(FAULTS['service unavailable']());

    // Act
    const reply = await post(claims, 'unsaved');

    // Assess
    expect(store.commandCalls(UpdateItemCommand)).toHaveLength(1);
    expect(reply.status).toBe(201);
    expect((await invoke(listProjects, apiEvent('listProjects', { claims }))).body.items).toHaveLength(1);
  });
});

describe('a DynamoDB call that hangs', () => {
  it('is answered with a 503 before the Lambda timeout, not cut off by it', async () => {
    // Prepare: 1.5 s left in the invocation; the read hangs for 5 s
    let hang: ReturnType<typeof setTimeout> | undefined;
    dynamo.on(GetCommand).callsFakeOnce(() => new Promise((resolve) => (hang = setTimeout(() => resolve({}), 5_000))));
    const context = lambdaContext({ timeoutMs: 1_500 });
    const started = Date.now();

    try {
      // Act
      const reply = await invoke(getProject, apiEvent('getProject', { params: { projectId: UNKNOWN_ID } }), context);

      // Assess: answered at about 1.5 s - 1 s of margin
      expect(Date.now() - started).toBeLessThan(1_400);
      expect(reply.status).toBe(503);
      expect(reply.headers).toMatchObject({ 'retry-after': '1', 'content-type': 'application/problem+json' });
      expect(reply.body).toMatchObject({ type: '/problems/service-unavailable' });
    } finally {
      clearTimeout(hang);
    }
  });
});
