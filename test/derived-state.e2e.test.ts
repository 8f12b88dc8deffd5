// Derived state on the stack npm start runs, when the table holds what the API never wrote: a
// record that can never succeed costs only itself (it ends in the on-failure destination with its
// reason, and the changes around it are applied), and `npm run recount` reports and repairs
// counts that drifted from the tasks.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childPartitionKey, countShards, keyOf, keyPrefix, projectCountsEntity, projectEntity, taskEntity, toItem } from '@app/data';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, httpCaller, type Call, type WaitOptions } from '@app/testing';
import { LOCAL_TABLE, ROOT_DIR, stackForSuite, tableClient } from './support/stack.js';

// A data folder, so that the local event-source mapping keeps its on-failure destination.
const stateDir = mkdtempSync(join(tmpdir(), 'derived-state-'));
const stack = stackForSuite({ dataDir: stateDir });
const FAILURES = join(stateDir, 'streams', 'failures', 'tableChanges');
const TABLE = LOCAL_TABLE;
const TENANT = 'tenant:derived';
const CATCH_UP: WaitOptions = { timeoutMs: 20_000, intervalMs: 100 };
let call: Call;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  call = httpCaller(stack.current.baseUrl, await stack.current.token('deriver', { tenant: 'derived' }));
  documents = tableClient(stack.current);
});
afterAll(() => {
  documents?.destroy();
  rmSync(stateDir, { recursive: true, force: true });
});

const newProject = async (name: string): Promise<string> => (await call('POST', '/projects', { body: { name } })).body.id;
const counts = async (projectId: string) => (await call('GET', `/projects/${projectId}`)).body.taskCounts;

/** A task item as the API writes it, with the keys its declaration composes; `title: undefined` leaves the title out. */
function taskItem(projectId: string, taskId: string, extra: Record<string, unknown> = {}) {
  const now = new Date().toISOString();
  const task = {
    id: taskId,
    projectId,
    title: 'Written straight into the table',
    status: 'open',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  // The keys follow the attributes (a status given in `extra` moves the status index key).
  return toItem(taskEntity, TENANT, { ...task, ...extra });
}
let taskCount = 0;
const taskId = () => `0199bbbb-0000-7000-8000-${String(++taskCount).padStart(12, '0')}`;
const poisonItem = (projectId: string) => taskItem(projectId, taskId(), { title: undefined });

/** The message the consumer set aside for the item with this key, once it is in the on-failure destination. */
async function setAside(key: { pk: string; sk: string }) {
  return eventually(
    async () => {
      for (const name of await readdir(FAILURES).catch(() => [] as string[])) {
        const message = JSON.parse(await readFile(join(FAILURES, name), 'utf8'));
        const keys = message.record?.dynamodb?.Keys;
        if (message.kind === 'skipped-record' && keys?.pk?.S === key.pk && keys?.sk?.S === key.sk) return message;
      }
      return undefined;
    },
    { ...CATCH_UP, description: `a skipped-record message for ${key.sk} in ${FAILURES}` },
  );
}

/** Waits until the project's counts equal `expected` and the consumer has gone quiet (nothing moved for a second and a half). */
async function settled(projectId: string, expected: Record<string, number>) {
  await eventually(async () => JSON.stringify(await counts(projectId)) === JSON.stringify(expected), {
    ...CATCH_UP,
    description: `counts ${JSON.stringify(expected)}`,
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
}

/** The project's tasks counted straight from the table (readable ones: with a title and a status). */
async function tasksInTable(projectId: string) {
  const { Items = [] } = await documents.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :task)',
      ExpressionAttributeValues: {
        ':pk': childPartitionKey(projectEntity, { tenantId: TENANT, id: projectId }),
        ':task': keyPrefix(taskEntity.keys.sk),
      },
      ConsistentRead: true,
    }),
  );
  const recount: Record<string, number> = { total: 0, open: 0, in_progress: 0, done: 0 };
  for (const task of Items.filter((item) => typeof item.title === 'string')) {
    recount.total!++;
    recount[task.status as string]!++;
  }
  return recount;
}

describe('a record that can never succeed', () => {
  it('ends in the on-failure destination with its reason, between two API changes that are both applied', async () => {
    // Prepare
    const projectId = await newProject('Poisoned');
    await settled(projectId, { total: 0, open: 0, in_progress: 0, done: 0 });

    // Act: an API change, the poison item straight into the table, another API change
    const first = await call('POST', `/projects/${projectId}/tasks`, { body: { title: 'First' } });
    const poison = poisonItem(projectId);
    await documents.send(new PutCommand({ TableName: TABLE, Item: poison }));
    const second = await call('POST', `/projects/${projectId}/tasks`, { body: { title: 'Second', status: 'done' } });

    // Assess
    expect([first.status, second.status]).toEqual([201, 201]);
    const message = await setAside(poison);
    expect(message.reason).toEqual({ code: 'unreadable-item', message: 'task item without a string title' });
    // It shared its batch with at least one of the API changes (the batch window is a second).
    expect(message.invocation.batchSize).toBeGreaterThan(1);
    expect(message.record).toMatchObject({
      eventName: 'INSERT',
      eventID: expect.any(String),
      dynamodb: { NewImage: { id: { S: poison.id } } },
    });
    await settled(projectId, { total: 2, open: 1, in_progress: 0, done: 1 });
    const feed = (await call('GET', `/projects/${projectId}/activity`)).body.items;
    expect(feed.map((entry: { title: string }) => entry.title).sort()).toEqual(['First', 'Second']);
  });

  it('costs only itself when it is alone in a batch', async () => {
    // Prepare
    const projectId = await newProject('Alone');
    await settled(projectId, { total: 0, open: 0, in_progress: 0, done: 0 });

    // Act
    const poison = poisonItem(projectId);
    await documents.send(new PutCommand({ TableName: TABLE, Item: poison }));
    const message = await setAside(poison);
    const after = await call('POST', `/projects/${projectId}/tasks`, { body: { title: 'After' } });

    // Assess
    expect(message.invocation).toMatchObject({ batchSize: 1, position: 0 });
    expect(after.status).toBe(201);
    await settled(projectId, { total: 1, open: 1, in_progress: 0, done: 0 });
  });

  it('costs only itself in the middle of a batch of ten', async () => {
    // Prepare
    const projectId = await newProject('Middle');
    await settled(projectId, { total: 0, open: 0, in_progress: 0, done: 0 });
    const poison = poisonItem(projectId);
    const before = Array.from({ length: 4 }, () => taskItem(projectId, taskId()));
    const after = Array.from({ length: 5 }, () => taskItem(projectId, taskId(), { status: 'done' }));
    const putAll = (items: Record<string, unknown>[]) =>
      documents.send(new BatchWriteCommand({ RequestItems: { [TABLE]: items.map((Item) => ({ PutRequest: { Item } })) } }));

    // Act: four tasks, the poison, five tasks, written one after the other within the mapping's
    // batching window, so that it reads them as one batch in that order (BatchWriteItem keeps no
    // order among its own items, so one write of all ten could put the poison at an end)
    await putAll(before);
    await documents.send(new PutCommand({ TableName: TABLE, Item: poison }));
    await putAll(after);

    // Assess: the poison fifth of ten
    const message = await setAside(poison);
    expect(message.invocation.batchSize).toBe(10);
    expect(message.invocation.position).toBe(4);
    await settled(projectId, { total: 9, open: 4, in_progress: 0, done: 5 });
    expect(await tasksInTable(projectId)).toEqual({ total: 9, open: 4, in_progress: 0, done: 5 });
  });
});

interface RecountRun {
  code: number;
  report: { dryRun: boolean; drift: { projectId: string; stored: object; actual: object; repaired: boolean }[]; unreadable: unknown[] };
  stderr: string;
}

/** `npm run recount -- <args>` against the stack's database, as a process. */
function recount(...args: string[]): Promise<RecountRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'npm',
      ['run', '-s', 'recount', '--', '--settle-seconds', '1', ...args],
      { cwd: ROOT_DIR, env: { ...process.env, DYNAMODB_ENDPOINT: stack.current.dbEndpoint }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: unknown }).code as number) : 0;
        if (typeof code !== 'number') return reject(error);
        try {
          resolve({ code, report: JSON.parse(stdout), stderr });
        } catch {
          reject(new Error(`recount printed no report (exit ${code}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** Edits a project's counts by hand: the first count shard takes what makes the shards add up to `taskCounts`. */
async function editCounter(projectId: string, taskCounts: Record<string, number>) {
  const [first, ...others] = countShards();
  const counts = { ...taskCounts };
  for (const shard of others) {
    const { Item = {} } = await documents.send(
      new GetCommand({ TableName: TABLE, Key: keyOf(projectCountsEntity, { tenantId: TENANT, projectId, shard }), ConsistentRead: true }),
    );
    for (const key of Object.keys(counts)) counts[key]! -= Number(Item[key] ?? 0);
  }
  await documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: keyOf(projectCountsEntity, { tenantId: TENANT, projectId, shard: first! }),
      UpdateExpression: `SET ${Object.keys(counts)
        .map((key, i) => `#k${i} = :v${i}`)
        .join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(counts).map((key, i) => [`#k${i}`, key])),
      ExpressionAttributeValues: Object.fromEntries(Object.values(counts).map((value, i) => [`:v${i}`, value])),
    }),
  );
}

describe('npm run recount', () => {
  let projectId: string;
  const exact = { total: 3, open: 2, in_progress: 1, done: 0 };
  const edited = { total: 10, open: 0, in_progress: 1, done: 9 };
  beforeAll(async () => {
    projectId = await newProject('Recounted');
    for (const body of [{ title: 'a' }, { title: 'b' }, { title: 'c', status: 'in_progress' }]) {
      await call('POST', `/projects/${projectId}/tasks`, { body });
    }
    await settled(projectId, exact);
  });

  it('reports a counter edited by hand, repairs it, and finds nothing the second time', async () => {
    // Prepare
    await editCounter(projectId, edited);

    // Act
    const first = await recount('--tenant', TENANT, '--project', projectId);
    const second = await recount('--tenant', TENANT, '--project', projectId);

    // Assess
    expect(first.code).toBe(0);
    expect(first.report.drift).toEqual([expect.objectContaining({ projectId, stored: edited, actual: exact, repaired: true })]);
    expect(await counts(projectId)).toEqual(exact);
    expect(second.code).toBe(0);
    expect(second.report.drift).toEqual([]);
  });

  it('in a dry run, reports the drift, changes nothing, and exits 1', async () => {
    // Prepare
    await editCounter(projectId, edited);

    // Act
    const dry = await recount('--tenant', TENANT, '--dry-run');

    // Assess
    expect(dry.code).toBe(1);
    expect(dry.report.drift).toEqual([expect.objectContaining({ projectId, stored: edited, actual: exact, repaired: false })]);
    expect(await counts(projectId)).toEqual(edited);
  });

  it('finds the drift among every tenant on the list when no tenant is named', async () => {
    // (The drift left by the dry run above.)
    const all = await recount();

    expect(all.code).toBe(0);
    expect(all.report.drift).toEqual([expect.objectContaining({ projectId, repaired: true })]);
    expect(await counts(projectId)).toEqual(exact);
  });

  it('leaves the counts exact when tasks are created while it runs', async () => {
    // Prepare: drift to repair
    await editCounter(projectId, edited);

    // Act: the recount, and ten tasks created through the API meanwhile
    const running = recount('--tenant', TENANT, '--project', projectId);
    for (let i = 0; i < 10; i++) {
      await call('POST', `/projects/${projectId}/tasks`, { body: { title: `meanwhile ${i}`, status: i % 2 ? 'done' : 'open' } });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const run = await running;

    // Assess: once the consumer has caught up, the counts are those of the tasks in the table
    expect(run.code).toBe(0);
    const expected = { total: 13, open: 7, in_progress: 1, done: 5 };
    expect(await tasksInTable(projectId)).toEqual(expected);
    await settled(projectId, expected);
    expect((await recount('--tenant', TENANT, '--project', projectId)).report.drift).toEqual([]);
  });
});
