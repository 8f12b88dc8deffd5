// The stream consumer on the stack npm start runs: counts and activity follow writes made
// through the API and straight into the table (AWS CLI); a deleted project leaves nothing;
// after a burst of random operations every project's counts equal a recount of its tasks.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './support/stack.js';

let stack: Stack;
let token: string;
let documents: DynamoDBDocumentClient;
const TABLE = 'rest-api-data-local';
const TENANT_KEY = `TENANT#${encodeURIComponent('tenant:streams')}`;

beforeAll(async () => {
  stack = await startStack();
  token = await stack.token('stream-tester', { tenant: 'streams' });
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
});
afterAll(async () => {
  documents?.destroy();
  expect(await stack?.stop()).toBe(0);
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const partition = async (projectId: string) =>
  (
    await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `${TENANT_KEY}#PROJECT#${projectId}` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe('stream consumer on the local stack', () => {
  it('keeps counts and activity in step with writes through the API', async () => {
    const project = (await call('POST', '/projects', { name: 'Streams' })).body;
    const a = (await call('POST', `/projects/${project.id}/tasks`, { title: 'A' })).body;
    const b = (await call('POST', `/projects/${project.id}/tasks`, { title: 'B', status: 'in_progress' })).body;
    await call('PATCH', `/projects/${project.id}/tasks/${a.id}`, { status: 'done' });
    await call('DELETE', `/projects/${project.id}/tasks/${b.id}`);
    await call('PATCH', `/projects/${project.id}`, { description: 'now with a description' });

    const counted = await eventually(async () => {
      const current = (await call('GET', `/projects/${project.id}`)).body;
      return current.taskCounts.total === 1 && current.taskCounts.done === 1 ? current : undefined;
    });
    expect(counted.taskCounts).toEqual({ total: 1, open: 0, in_progress: 0, done: 1 });
    const feed = await eventually(async () => {
      const page = (await call('GET', `/projects/${project.id}/activity`)).body;
      return page.items.length === 5 ? page : undefined;
    });
    // Newest first. A deletion carries only the stream's second-precision commit time (see
    // services/stream-consumer/src/changes/plan.ts), so within one second it may sort above a
    // later change: assert the order the feed promises, not one the clock cannot give.
    const types = feed.items.map((e: { type: string }) => e.type);
    expect([...types].sort()).toEqual(['project.updated', 'task.created', 'task.created', 'task.deleted', 'task.updated']);
    expect(types.slice(-2)).toEqual(['task.created', 'task.created']);
    const times = feed.items.map((e: { occurredAt: string }) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(feed.items.find((e: { type: string }) => e.type === 'task.updated')).toMatchObject({
      taskId: a.id,
      changes: { status: { from: 'open', to: 'done' } },
    });
    expect(stack.output()).toMatch(/\[consumer\] \[tableChanges [\w-]{8}\] \d+ records [\d.]+: ok in \d+ ms/);
  });

  it("puts the API request id of a change in the consumer's log lines, one per request", async () => {
    const before = stack.output().length;
    const project = (await call('POST', '/projects', { name: 'Traced' })).body;
    await call('PATCH', `/projects/${project.id}`, { name: 'Traced, renamed' });
    await call('PATCH', `/projects/${project.id}`, { name: 'Traced, renamed again' });
    const logged = await eventually(async () => {
      const lines = stack
        .output()
        .slice(before)
        .split('\n')
        .filter(
          (l) =>
            l.includes('"change applied"') &&
            l.includes('"outcome":"applied"') &&
            l.includes('"eventName":"MODIFY"') &&
            l.includes('"entity":"project"'),
        );
      return lines.length >= 2 ? lines : undefined;
    });
    const ids = logged.map((line) => JSON.parse(line.slice(line.indexOf('{'))).requestId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('follows writes made straight into the table with the AWS CLI', async () => {
    const project = (await call('POST', '/projects', { name: 'CLI' })).body;
    const taskId = '0199aaaa-0000-7000-8000-000000000001';
    const item = {
      pk: { S: `${TENANT_KEY}#PROJECT#${project.id}` },
      sk: { S: `TASK#${taskId}` },
      gsi1pk: { S: `${TENANT_KEY}#PROJECT#${project.id}#STATUS#in_progress` },
      gsi1sk: { S: `TASK#${taskId}` },
      entity: { S: 'task' },
      tenantId: { S: 'tenant:streams' },
      projectId: { S: project.id },
      id: { S: taskId },
      title: { S: 'Written by the CLI' },
      status: { S: 'in_progress' },
      createdAt: { S: new Date().toISOString() },
      updatedAt: { S: new Date().toISOString() },
      version: { N: '1' },
    };
    await promisify(execFile)(
      'aws',
      ['dynamodb', 'put-item', '--endpoint-url', stack.dbEndpoint, '--table-name', TABLE, '--item', JSON.stringify(item)],
      {
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' },
      },
    );
    const counted = await eventually(async () => {
      const current = (await call('GET', `/projects/${project.id}`)).body;
      return current.taskCounts.in_progress === 1 ? current : undefined;
    });
    expect(counted.taskCounts).toEqual({ total: 1, open: 0, in_progress: 1, done: 0 });
    expect((await call('GET', `/projects/${project.id}/tasks/${taskId}`)).body).toMatchObject({ title: 'Written by the CLI' });
  });

  it('deletes a deleted project’s tasks and activity, leaving nothing behind', async () => {
    const project = (await call('POST', '/projects', { name: 'Doomed' })).body;
    for (let i = 0; i < 5; i++) await call('POST', `/projects/${project.id}/tasks`, { title: `t${i}` });
    await eventually(async () => ((await partition(project.id)).filter((i) => i.entity === 'activity').length === 5 ? true : undefined));
    expect((await call('DELETE', `/projects/${project.id}`)).status).toBe(204);
    const cleanupItems = async () =>
      (
        await documents.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
            ExpressionAttributeValues: { ':pk': TENANT_KEY, ':c': `CLEANUP#${project.id}` },
          }),
        )
      ).Items ?? [];
    // The partition empties first; the cleanup item that drove it goes last.
    await eventually(async () => ((await partition(project.id)).length === 0 && (await cleanupItems()).length === 0 ? true : undefined));
    expect(await partition(project.id)).toEqual([]);
  });

  it('ends a burst of 1,000 random operations with every project’s counts equal to a recount', async () => {
    // Prepare: a few projects, then random creates, status changes and deletes, 8 at a time.
    const projects: string[] = [];
    for (let i = 0; i < 4; i++) projects.push((await call('POST', '/projects', { name: `soak ${i}` })).body.id);
    const tasks = new Map<string, string[]>(projects.map((p) => [p, []]));
    const statuses = ['open', 'in_progress', 'done'];
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const operation = async () => {
      const projectId = projects[random(projects.length)]!;
      const own = tasks.get(projectId)!;
      const choice = own.length === 0 ? 0 : random(10);
      if (choice < 4) {
        const created = await call('POST', `/projects/${projectId}/tasks`, { title: 'soak', status: statuses[random(3)] });
        if (created.status === 201) own.push(created.body.id);
      } else if (choice < 8) {
        await call('PATCH', `/projects/${projectId}/tasks/${own[random(own.length)]}`, { status: statuses[random(3)] });
      } else {
        const [taskId] = own.splice(random(own.length), 1);
        await call('DELETE', `/projects/${projectId}/tasks/${taskId}`);
      }
    };
    let done = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (done < 1_000) {
          done++;
          await operation();
        }
      }),
    );

    // Assess: once the consumer has caught up, counts equal a recount of the tasks.
    for (const projectId of projects) {
      await eventually(async () => {
        const items = (await partition(projectId)).filter((i) => i.entity === 'task');
        const recount = { total: items.length, open: 0, in_progress: 0, done: 0 } as Record<string, number>;
        for (const task of items) recount[task.status as string]!++;
        const { taskCounts } = (await call('GET', `/projects/${projectId}`)).body;
        return Object.keys(recount).every((key) => taskCounts[key] === recount[key]) ? true : undefined;
      }, 60_000);
    }
  }, 300_000);
});
