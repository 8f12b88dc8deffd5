// npm run new:resource end to end, in a copy of the repository: the generator, given a parent
// and a field list of every type, then what it promises with no hand edit: it wrote what its
// dry run listed, npm run lint and npm run typecheck pass, the generated tests pass (with the
// coverage floors of their packages), and a stack started from the copy serves the new routes,
// records their changes in the parent's activity feed and removes them with their parent.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { childPartitionKey, projectEntity } from '@app/data';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, httpCaller, type Call } from '@app/testing';
import { otherRepositoryOrigins } from './support/contract.js';
import { expectProblem } from './support/problems.js';
import { copyRepository, type RepositoryCopy } from './support/repository-copy.js';
import { HOOK_TIMEOUT_MS, LOCAL_TABLE, ROOT_DIR, startStack, tableClient, type Stack } from './support/stack.js';

const ARGS = [
  'labels',
  '--parent',
  'projects',
  '--fields',
  'name:string!,color:string,weight:number,rank:integer,pinned:boolean,due:date,seenAt:datetime,priority:enum(low|high)!',
];
/** How long one command in the copy may take (a cold lint or typecheck of the whole workspace: about 45 and 75 s here). */
const COMMAND_TIMEOUT_MS = 420_000;
/** How long the stream consumer may take to catch up with a write (polled every 100 ms). */
const CATCH_UP = { timeoutMs: 20_000, intervalMs: 100 };

interface Outcome {
  code: number;
  /** The last lines of its output, for the failure message. */
  output: string;
}

/** Runs a command in the copy; never throws (the outcome is asserted). */
function run(command: string, args: string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: COMMAND_TIMEOUT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, output: `${stdout}${stderr}`.split('\n').slice(-60).join('\n') });
      },
    );
  });
}
const npm = (cwd: string, ...args: string[]) => run('npm', args, cwd);

/** What a build writes, not the generator: left out of the snapshots. */
const BUILT = /(^|\/)(node_modules|\.turbo|dist|coverage|\.serverless|\.esbuild|\.local|src\/generated)(\/|$)/;

/** Every file of the copy (but what builds write), by path, with a hash of its content. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (!entry.isFile() || BUILT.test(path)) continue;
    files.set(
      path,
      createHash('sha1')
        .update(await readFile(join(dir, path)))
        .digest('hex'),
    );
  }
  return files;
}

let copy: RepositoryCopy;
let before: Map<string, string>;
let after: Map<string, string>;
let dryRun: Outcome;
let generated: Outcome;

beforeAll(async () => {
  copy = await copyRepository(ROOT_DIR);
  before = await snapshot(copy.dir);
  dryRun = await npm(copy.dir, 'run', '-s', 'new:resource', '--', ...ARGS, '--dry-run');
  generated = await npm(copy.dir, 'run', '-s', 'new:resource', '--', ...ARGS);
  after = await snapshot(copy.dir);
}, HOOK_TIMEOUT_MS);
afterAll(async () => copy?.remove());

/** The paths a dry run listed as `write` or `change`. */
const listed = (kind: 'write' | 'change') =>
  [...dryRun.output.matchAll(new RegExp(`^  ${kind} +(\\S+)$`, 'gm'))].map((match) => match[1]!).sort();

describe('npm run new:resource labels --parent projects, in a copy of the repository', () => {
  it('writes the files its dry run listed, and changes only the files it listed', () => {
    expect(generated).toMatchObject({ code: 0 });
    expect(dryRun).toMatchObject({ code: 0 });
    const added = [...after.keys()].filter((path) => !before.has(path)).sort();
    const changed = [...after.keys()].filter((path) => before.has(path) && before.get(path) !== after.get(path)).sort();
    expect(added).toEqual(listed('write'));
    expect(changed).toEqual(listed('change'));
    expect([...before.keys()].filter((path) => !after.has(path))).toEqual([]);
  });

  it('refuses to add the same resource again, and writes nothing', async () => {
    const again = await npm(copy.dir, 'run', '-s', 'new:resource', '--', ...ARGS);

    expect(again.code).toBe(1);
    expect(again.output).toContain('labels exists already');
    expect(await snapshot(copy.dir)).toEqual(after);
  });

  it(
    'leaves npm run lint passing',
    async () => {
      expect(await npm(copy.dir, 'run', '-s', 'lint')).toMatchObject({ code: 0 });
    },
    COMMAND_TIMEOUT_MS,
  );

  it(
    'leaves npm run typecheck passing',
    async () => {
      expect(await npm(copy.dir, 'run', '-s', 'typecheck')).toMatchObject({ code: 0 });
    },
    COMMAND_TIMEOUT_MS,
  );

  it.each(['packages/data', 'packages/schema', 'services/api', 'services/stream-consumer'])(
    'leaves the tests of %s passing, the generated ones with them, above the coverage floor',
    async (workspace) => {
      expect(await npm(join(copy.dir, workspace), 'test')).toMatchObject({ code: 0 });
    },
    COMMAND_TIMEOUT_MS,
  );

  it(
    'passes its generated end-to-end test, on a stack started from the copy',
    async () => {
      expect(await npm(join(copy.dir, 'test'), 'test', '--', 'labels.e2e.test.ts')).toMatchObject({ code: 0 });
    },
    COMMAND_TIMEOUT_MS,
  );

  describe('a stack started from the copy', () => {
    let stack: Stack;
    let call: Call;
    let stranger: Call;
    let documents: DynamoDBDocumentClient;
    beforeAll(async () => {
      stack = await startStack({ rootDir: copy.dir });
      // Its responses follow the copy's OpenAPI document (the generated end-to-end test checks
      // them against it), which has routes this repository's does not.
      otherRepositoryOrigins.add(new URL(stack.baseUrl).origin);
      call = httpCaller(stack.baseUrl, await stack.token('owner', { tenant: 'generated' }));
      stranger = httpCaller(stack.baseUrl, await stack.token('stranger', { tenant: 'generated-other' }));
      documents = tableClient(stack);
    }, HOOK_TIMEOUT_MS);
    afterAll(async () => {
      documents?.destroy();
      if (stack) expect(await stack.stop()).toBe(0);
    }, HOOK_TIMEOUT_MS);

    const LABEL = {
      name: 'Urgent',
      color: 'red',
      weight: 0.5,
      rank: 2,
      pinned: true,
      due: '2027-01-31',
      seenAt: '2027-01-01T08:00:00.000Z',
      priority: 'high',
    };

    async function newProject(): Promise<string> {
      const created = await call('POST', '/projects', { body: { name: 'With labels' } });
      expect(created.status).toBe(201);
      return created.body.id;
    }
    async function newLabel(projectId: string) {
      const created = await call('POST', `/projects/${projectId}/labels`, { body: LABEL });
      expect(created.status).toBe(201);
      return created;
    }

    it('documents the new routes in the OpenAPI document it serves', async () => {
      const { body } = await call('GET', '/openapi.json');

      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining(['/projects/{projectId}/labels', '/projects/{projectId}/labels/{labelId}']),
      );
      expect(Object.keys(body.components.schemas)).toEqual(expect.arrayContaining(['Label', 'LabelCreate', 'LabelUpdate', 'LabelPage']));
    });

    it('creates a label: 201 with its Location and ETag', async () => {
      const projectId = await newProject();

      const created = await newLabel(projectId);

      expect(created.body).toMatchObject({ ...LABEL, projectId, version: 1 });
      expect(created.headers.get('location')).toBe(`/projects/${projectId}/labels/${created.body.id}`);
      expect(created.headers.get('etag')).toBe('"1"');
    });

    it('answers 304 to a read with the ETag it gave', async () => {
      const created = await newLabel(await newProject());
      const path = created.headers.get('location')!;

      expect((await call('GET', path, { headers: { 'if-none-match': '"1"' } })).status).toBe(304);
    });

    it('lists with limit, then nextCursor', async () => {
      const projectId = await newProject();
      const ids = [(await newLabel(projectId)).body.id, (await newLabel(projectId)).body.id];

      const first = await call('GET', `/projects/${projectId}/labels?limit=1`);
      const second = await call('GET', `/projects/${projectId}/labels?limit=1&cursor=${first.body.nextCursor}`);

      expect([first.body.items[0].id, second.body.items[0].id]).toEqual(ids);
      expect(second.body.nextCursor).toBeNull();
    });

    it('answers 412 to an update with a stale If-Match', async () => {
      const path = (await newLabel(await newProject())).headers.get('location')!;
      expect((await call('PATCH', path, { body: { weight: 1 } })).status).toBe(200);

      expectProblem(
        await call('PATCH', path, { body: { weight: 2 }, headers: { 'if-match': '"1"' } }),
        412,
        '/problems/precondition-failed',
      );
    });

    it('deletes: 204', async () => {
      const path = (await newLabel(await newProject())).headers.get('location')!;

      expect((await call('DELETE', path)).status).toBe(204);
      expectProblem(await call('GET', path), 404, '/problems/not-found');
    });

    it("answers 404 to another tenant's label, and under a project that does not exist", async () => {
      const path = (await newLabel(await newProject())).headers.get('location')!;

      expectProblem(await stranger('GET', path), 404, '/problems/not-found');
      expectProblem(
        await call('POST', '/projects/01890000-0000-7000-8000-000000000000/labels', { body: LABEL }),
        404,
        '/problems/not-found',
      );
    });

    it('answers bad input with 400 problem+json, a pointer to each invalid field', async () => {
      const projectId = await newProject();

      const reply = await call('POST', `/projects/${projectId}/labels`, {
        body: { color: '', weight: 'heavy', rank: 1.5, pinned: 'yes', due: '2027-02-30', seenAt: 'now', priority: 'urgent' },
      });

      expectProblem(reply, 400, '/problems/validation-error');
      expect([...new Set(reply.body.errors.map((e: { pointer: string }) => e.pointer))].sort()).toEqual(
        ['/body/color', '/body/due', '/body/name', '/body/pinned', '/body/priority', '/body/rank', '/body/seenAt', '/body/weight'].sort(),
      );
    });

    it("records a label's creation and changes in its project's activity feed", async () => {
      const projectId = await newProject();
      const created = await newLabel(projectId);
      await call('PATCH', created.headers.get('location')!, { body: { pinned: false, color: null } });

      const entries = await eventually(
        async () => {
          const { items } = (await call('GET', `/projects/${projectId}/activity`)).body;
          return items.length === 2 ? items : undefined;
        },
        { ...CATCH_UP, description: "2 entries in the project's feed" },
      );

      expect(entries).toEqual([
        expect.objectContaining({
          type: 'label.updated',
          labelId: created.body.id,
          title: 'Urgent',
          changes: { pinned: { from: 'true', to: 'false' }, color: { from: 'red', to: null } },
        }),
        expect.objectContaining({ type: 'label.created', labelId: created.body.id, title: 'Urgent' }),
      ]);
    });

    it("removes a project's labels with the project", async () => {
      const projectId = await newProject();
      await newLabel(projectId);
      await newLabel(projectId);
      const partition = async () =>
        (
          await documents.send(
            new QueryCommand({
              TableName: LOCAL_TABLE,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': childPartitionKey(projectEntity, { tenantId: 'tenant:generated', id: projectId }) },
              ConsistentRead: true,
            }),
          )
        ).Items ?? [];
      expect((await partition()).filter((item) => item.entity === 'label')).toHaveLength(2);

      expect((await call('DELETE', `/projects/${projectId}`)).status).toBe(204);

      await eventually(async () => (await partition()).length === 0, {
        ...CATCH_UP,
        description: 'an empty partition of the deleted project',
      });
    });
  });
});
