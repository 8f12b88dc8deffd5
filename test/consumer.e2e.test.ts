// The stream consumer on the stack npm start runs: counts and activity follow writes made
// through the API and straight into the table (AWS CLI); a deleted project leaves nothing;
// after a burst of random operations every project's counts equal a recount of its tasks.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { childPartitionKey, cleanupEntity, keyOf, projectEntity, taskEntity, toItem } from '@app/data';
import { LOCAL_CREDENTIALS } from '@app/data/local-endpoint';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@app/client';
import { eventually, httpCaller, type Call, type WaitOptions } from '@app/testing';
import { clientFor } from './support/client.js';
import { LOCAL_TABLE, stackForSuite, tableClient } from './support/stack.js';

const stack = stackForSuite();
/** The soak test's random operations may hit a task another one deleted: those go raw, and may fail. */
let call: Call;
let api: Client;
let documents: DynamoDBDocumentClient;
const TABLE = LOCAL_TABLE;
const TENANT = 'tenant:streams';
/** How long the consumer may take to catch up with a write (polled every 100 ms). */
const CATCH_UP: WaitOptions = { timeoutMs: 20_000, intervalMs: 100 };

beforeAll(async () => {
  call = httpCaller(stack.current.baseUrl, await stack.current.token('stream-tester', { tenant: 'streams' }));
  api = await clientFor(stack.current, 'stream-tester', 'streams');
  documents = tableClient(stack.current);
});
afterAll(() => documents?.destroy());

const partition = async (projectId: string) =>
  (
    await documents.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': childPartitionKey(projectEntity, { tenantId: TENANT, id: projectId }) },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];

describe('stream consumer on the local stack', () => {
  describe('after writes through the API', () => {
    let project: { id: string };
    let taskA: { id: string };
    beforeAll(async () => {
      project = await api.createProject({ body: { name: 'Streams' } });
      taskA = await api.createTask({ path: { projectId: project.id }, body: { title: 'A' } });
      const b = await api.createTask({ path: { projectId: project.id }, body: { title: 'B', status: 'in_progress' } });
      await api.updateTask({ path: { projectId: project.id, taskId: taskA.id }, body: { status: 'done' } });
      await api.deleteTask({ path: { projectId: project.id, taskId: b.id } });
      await api.updateProject({ path: { projectId: project.id }, body: { description: 'now with a description' } });
    });

    it("keeps the project's task counts in step", async () => {
      const counted = await eventually(
        async () => {
          const current = await api.getProject({ path: { projectId: project.id } });
          return current.taskCounts.total === 1 && current.taskCounts.done === 1 ? current : undefined;
        },
        { ...CATCH_UP, description: 'a count of 1 task, done' },
      );

      expect(counted.taskCounts).toEqual({ total: 1, open: 0, in_progress: 0, done: 1 });
    });

    it("records every change in the project's activity feed, newest first", async () => {
      const feed = await eventually(
        async () => {
          const page = await api.listActivity({ path: { projectId: project.id } });
          return page.items.length === 5 ? page : undefined;
        },
        { ...CATCH_UP, description: '5 entries in the activity feed' },
      );

      // Newest first. A deletion carries only the stream's second-precision commit time (see
      // services/stream-consumer/src/changes/plan.ts), so within one second it may sort above a
      // later change: assert the order the feed promises, not one the clock cannot give.
      const types = feed.items.map((e: { type: string }) => e.type);
      expect([...types].sort()).toEqual(['project.updated', 'task.created', 'task.created', 'task.deleted', 'task.updated']);
      expect(types.slice(-2)).toEqual(['task.created', 'task.created']);
      const times = feed.items.map((e: { occurredAt: string }) => e.occurredAt);
      expect(times).toEqual([...times].sort().reverse());
      expect(feed.items.find((e: { type: string }) => e.type === 'task.updated')).toMatchObject({
        taskId: taskA.id,
        changes: { status: { from: 'open', to: 'done' } },
      });
    });

    // After the two tests above, the consumer has handled batches of these writes.
    it('logs one line per batch it handled', () => {
      expect(stack.current.output()).toMatch(/\[consumer\] \[tableChanges [\w-]{8}\] \d+ records [\d.]+: ok in \d+ ms/);
    });
  });

  it("puts the API request id of a change in the consumer's log lines, one per request", async () => {
    const before = stack.current.output().length;
    const project = await api.createProject({ body: { name: 'Traced' } });
    await api.updateProject({ path: { projectId: project.id }, body: { name: 'Traced, renamed' } });
    await api.updateProject({ path: { projectId: project.id }, body: { name: 'Traced, renamed again' } });
    const logged = await eventually(
      () => {
        const lines = stack.current
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
      },
      { ...CATCH_UP, description: "the consumer's 2 log lines of applied project changes" },
    );
    const ids = logged.map((line) => JSON.parse(line.slice(line.indexOf('{'))).requestId);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe('after a write made straight into the table with the AWS CLI', () => {
    const taskId = '0199aaaa-0000-7000-8000-000000000001';
    let project: { id: string };
    beforeAll(async () => {
      project = await api.createProject({ body: { name: 'CLI' } });
      const now = new Date().toISOString();
      const task = {
        id: taskId,
        projectId: project.id,
        title: 'Written by the CLI',
        status: 'in_progress',
        createdAt: now,
        updatedAt: now,
        version: 1,
      };
      const item = marshall(toItem(taskEntity, TENANT, task));
      await promisify(execFile)(
        'aws',
        ['dynamodb', 'put-item', '--endpoint-url', stack.current.dbEndpoint, '--table-name', TABLE, '--item', JSON.stringify(item)],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_PAGER: '',
          },
        },
      );
    });

    it("counts the task in the project's task counts", async () => {
      const counted = await eventually(
        async () => {
          const current = await api.getProject({ path: { projectId: project.id } });
          return current.taskCounts.in_progress === 1 ? current : undefined;
        },
        { ...CATCH_UP, description: 'a count of 1 task in progress' },
      );

      expect(counted.taskCounts).toEqual({ total: 1, open: 0, in_progress: 1, done: 0 });
    });

    it('serves the task through the API', async () => {
      expect(await api.getTask({ path: { projectId: project.id, taskId } })).toMatchObject({ title: 'Written by the CLI' });
    });
  });

  it('deletes a deleted project’s tasks and activity, leaving nothing behind', async () => {
    const project = await api.createProject({ body: { name: 'Doomed' } });
    for (let i = 0; i < 5; i++) await api.createTask({ path: { projectId: project.id }, body: { title: `t${i}` } });
    await eventually(async () => (await partition(project.id)).filter((i) => i.entity === 'activity').length === 5, {
      ...CATCH_UP,
      description: '5 activity entries in the project’s partition',
    });
    await api.deleteProject({ path: { projectId: project.id } });
    const cleanupItems = async () => {
      const key = keyOf(cleanupEntity, { tenantId: TENANT, projectId: project.id });
      const { Item } = await documents.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
      return Item ? [Item] : [];
    };
    // The partition empties first; the cleanup item that drove it goes last.
    await eventually(async () => (await partition(project.id)).length === 0 && (await cleanupItems()).length === 0, {
      ...CATCH_UP,
      description: 'an empty partition and no cleanup item left',
    });
    expect(await partition(project.id)).toEqual([]);
  });

  it('ends a burst of 1,000 random operations with every project’s counts equal to a recount', async () => {
    // Prepare: a few projects, then random creates, status changes and deletes, 8 at a time.
    const projects: string[] = [];
    for (let i = 0; i < 4; i++) projects.push((await api.createProject({ body: { name: `soak ${i}` } })).id);
    const tasks = new Map<string, string[]>(projects.map((p) => [p, []]));
    const statuses = ['open', 'in_progress', 'done'];
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed % n);
    const operation = async () => {
      const projectId = projects[random(projects.length)]!;
      const own = tasks.get(projectId)!;
      const choice = own.length === 0 ? 0 : random(10);
      if (choice < 4) {
        const created = await call('POST', `/projects/${projectId}/tasks`, { body: { title: 'soak', status: statuses[random(3)] } });
        if (created.status === 201) own.push(created.body.id);
      } else if (choice < 8) {
        await call('PATCH', `/projects/${projectId}/tasks/${own[random(own.length)]}`, { body: { status: statuses[random(3)] } });
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
      await eventually(
        async () => {
          const items = (await partition(projectId)).filter((i) => i.entity === 'task');
          const recount = { total: items.length, open: 0, in_progress: 0, done: 0 } as Record<string, number>;
          for (const task of items) recount[task.status as string]!++;
          const { taskCounts } = (await call('GET', `/projects/${projectId}`)).body;
          return Object.keys(recount).every((key) => taskCounts[key] === recount[key]);
        },
        { ...CATCH_UP, timeoutMs: 60_000, description: `project ${projectId}'s counts to equal a recount of its tasks` },
      );
    }
  }, 300_000);
});
