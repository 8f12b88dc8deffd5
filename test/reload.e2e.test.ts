// The edit-run loop of npm start, on a copy of the repository: a saved change is served by the
// next requests without a restart; a broken save says where, in one line, while what does not
// depend on it keeps serving; the next good save recovers. For an API handler, for
// packages/data (which every function bundles) and for the stream consumer; and a saved
// serverless.yml reloads the service it describes, and only it.
import { readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyRepository, eventually, httpCaller, type Call, type RepositoryCopy } from '@app/testing';
import { HOOK_TIMEOUT_MS, ROOT_DIR, startStack, type ScriptMessage, type Stack } from './support/stack.js';

/** How long a save may take to be served (the target is 1 s; the bound leaves room for a loaded machine). */
const RELOAD_WAIT_MS = 20_000;

let repo: RepositoryCopy;
let stack: Stack;
let call: Call;

beforeAll(async () => {
  repo = await copyRepository(ROOT_DIR);
  stack = await startStack({ rootDir: repo.dir });
  call = httpCaller(stack.baseUrl, await stack.token('reloader', { tenant: `reload-${Date.now()}` }));
}, HOOK_TIMEOUT_MS);

afterAll(async () => {
  if (stack) expect(await stack.stop()).toBe(0);
  repo?.remove();
}, HOOK_TIMEOUT_MS);

const file = (path: string) => join(repo.dir, path);
const edit = (path: string, change: (text: string) => string) => {
  const before = readFileSync(file(path), 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file(path), after);
  return before;
};
/** A reload report (IPC) of `service` with outcome `ok`, after the first `count` reports of it (an editor's save can come as two batches). */
const reported = (service: string, count: number, ok: boolean) =>
  stack.run.message((m: ScriptMessage) => {
    const reports = stack.run.messages.filter((x) => x.type === 'reloaded' && x.service === service);
    return reports.indexOf(m) >= count && m.ok === ok;
  }, RELOAD_WAIT_MS);
const reloadsOf = (service: string) => stack.run.messages.filter((m) => m.type === 'reloaded' && m.service === service).length;

describe('an API handler (services/api/src/handlers/fallback/not-found.ts)', () => {
  const handler = 'services/api/src/handlers/fallback/not-found.ts';
  let original: string;

  it('serves a saved change without a restart', async () => {
    // Prepare
    expect((await call('GET', '/no-such-thing')).body.detail).toBe('No resource at this path.');

    // Act
    original = edit(handler, (text) => text.replace("'No resource at this path.'", "'Nothing lives at this path (edited).'"));

    // Assess
    const reply = await eventually(
      async () => {
        const r = await call('GET', '/no-such-thing');
        return r.body.detail === 'Nothing lives at this path (edited).' ? r : undefined;
      },
      { timeoutMs: RELOAD_WAIT_MS, description: 'the edited detail' },
    );
    expect(reply.status).toBe(404);
  });

  it('names file:line of a syntax error in one line, answers 503 on its route, and keeps the other routes serving', async () => {
    // Act
    const count = reloadsOf('api');
    edit(handler, (text) => `${text}\nexport const broken = ;\n`);
    await reported('api', count, false);

    // Assess
    const lines = original.split('\n').length + 1;
    expect(stack.output()).toMatch(new RegExp(`\\[api\\] build failed: ${handler.replace(/\./g, '\\.')}:${lines}:\\d+: Unexpected ";"`));
    const broken = await call('GET', '/no-such-thing');
    expect(broken.status).toBe(503);
    expect(broken.headers.get('content-type')).toBe('application/problem+json');
    expect(broken.body.detail).toContain(`The local build of notFound is broken: ${handler}:${lines}:`);
    expect((await call('GET', '/projects')).status).toBe(200);
  });

  it('recovers on the next good save', async () => {
    // Act
    writeFileSync(file(handler), original.replace("'No resource at this path.'", "'Back after the fix.'"));

    // Assess
    await eventually(async () => ((await call('GET', '/no-such-thing')).body.detail === 'Back after the fix.' ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the fixed handler',
    });
  });
});

describe('packages/data (packages/data/src/table.ts, in every function)', () => {
  const source = 'packages/data/src/table.ts';
  let original: string;

  it('serves a saved change without a restart', async () => {
    // Prepare: two projects, listed in one page
    for (const name of ['first', 'second']) expect((await call('POST', '/projects', { body: { name } })).status).toBe(201);
    expect((await call('GET', '/projects')).body.items).toHaveLength(2);

    // Act: pages of one item at most
    original = edit(source, (text) => text.replace('Items.slice(0, q.limit)', 'Items.slice(0, 1)'));

    // Assess
    await eventually(async () => ((await call('GET', '/projects')).body.items.length === 1 ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'a one-item page',
    });
  });

  it('names file:line of a failed import and answers 503', async () => {
    // Act
    const count = reloadsOf('api');
    edit(source, (text) => `import { nothing } from './no-such-module.js';\n${text}`);
    await reported('api', count, false);

    // Assess
    expect(stack.output()).toMatch(
      /\[api\] build failed: packages\/data\/src\/table\.ts:1:\d+: Could not resolve "\.\/no-such-module\.js"/,
    );
    const reply = await call('GET', '/projects');
    expect(reply.status).toBe(503);
    expect(reply.body.detail).toContain('packages/data/src/table.ts:1:');
  });

  it('recovers on the next good save', async () => {
    // Act
    writeFileSync(file(source), original);

    // Assess
    await eventually(async () => ((await call('GET', '/projects')).body.items?.length === 2 ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the full page again',
    });
  });
});

describe('packages/schema (the JSON Schemas its validators are generated from)', () => {
  const properties = 'packages/schema/src/properties.ts';
  const create = () => call('POST', '/projects', { body: { name: 'longer than five' } });

  it('generates the validators again and serves them, then the original ones after a revert', async () => {
    // Act: project names of at most 5 characters
    const original = edit(properties, (text) =>
      text.replace(
        "export const nameProp = { type: 'string', minLength: 1, maxLength: 200,",
        "export const nameProp = { type: 'string', minLength: 1, maxLength: 5,",
      ),
    );
    expect(readFileSync(file(properties), 'utf8')).toContain('maxLength: 5,');

    // Assess
    await eventually(async () => ((await create()).status === 400 ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the stricter validator',
    });
    expect(stack.output()).toContain('[start] packages/schema/src changed: generating its validators and OpenAPI document again');
    writeFileSync(file(properties), original);
    await eventually(async () => ((await create()).status === 201 ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the original validator',
    });
  });
});

describe('the stream consumer (services/stream-consumer/src/handlers/table-changes.ts)', () => {
  const handler = 'services/stream-consumer/src/handlers/table-changes.ts';
  let original: string;
  const taskCount = async (projectId: string) => ((await call('GET', `/projects/${projectId}`)).body.taskCounts as { total: number }).total;

  it('runs a saved change on the next batch', async () => {
    // Prepare
    const project = (await call('POST', '/projects', { body: { name: 'consumer edits' } })).body as { id: string };

    // Act: the handler also prints a marker line for each batch
    original = edit(handler, (text) => `${text}\nconsole.log('table-changes: edited build');\n`);
    await reported('stream-consumer', 0, true);
    expect((await call('POST', `/projects/${project.id}/tasks`, { body: { title: 'after the edit' } })).status).toBe(201);

    // Assess
    await eventually(() => (stack.output().includes('[consumer] table-changes: edited build') ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the marker of the edited consumer',
    });
    await eventually(async () => ((await taskCount(project.id)) === 1 ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the task counted',
    });
  });

  it('keeps the records of a broken build waiting, and delivers them after the fix', async () => {
    // Prepare
    const project = (await call('POST', '/projects', { body: { name: 'consumer breaks' } })).body as { id: string };
    const count = reloadsOf('stream-consumer');

    // Act: break it, write a task, then fix it
    edit(handler, (text) => `${text}\nexport const broken = ;\n`);
    await reported('stream-consumer', count, false);
    expect(stack.output()).toMatch(
      /\[consumer\] build failed: services\/stream-consumer\/src\/handlers\/table-changes\.ts:\d+:\d+: Unexpected ";"/,
    );
    expect((await call('POST', `/projects/${project.id}/tasks`, { body: { title: 'while broken' } })).status).toBe(201);
    await eventually(() => (stack.output().includes('its records wait for a fix') ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the consumer waiting for a fix',
    });
    expect(await taskCount(project.id)).toBe(0);
    writeFileSync(file(handler), original);

    // Assess
    await eventually(async () => ((await taskCount(project.id)) === 1 ? true : undefined), {
      timeoutMs: RELOAD_WAIT_MS,
      description: 'the waiting record delivered after the fix',
    });
  });
});

describe('a serverless.yml and the files it includes', () => {
  const config = 'services/api/serverless.yml';
  let original: string;
  const configured = (service: string, ok: boolean, count: number) =>
    stack.run.message((m: ScriptMessage) => {
      const reports = stack.run.messages.filter((x) => x.type === 'configured' && x.service === service);
      return reports.indexOf(m) >= count && m.ok === ok;
    }, 60_000);
  const configuredCount = (service: string) => stack.run.messages.filter((m) => m.type === 'configured' && m.service === service).length;
  /** Through node:http: a route the OpenAPI document does not have would fail the suites' contract check on fetch. */
  const status = (path: string, token: string) =>
    new Promise<number>((resolve, reject) =>
      get(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject),
    );

  it("prints the parser's message for bad YAML and keeps serving the last good configuration", async () => {
    // Act
    const count = configuredCount('api');
    original = edit(config, (text) => text.replace('functions:\n', 'functions:\n  broken: [unclosed\n'));
    await configured('api', false, count);

    // Assess
    expect(stack.output()).toMatch(
      /\[start\] services\/api\/serverless\.yml: Cannot parse "serverless\.yml": .*; services\/api keeps running on its last good configuration/,
    );
    expect((await call('GET', '/projects')).status).toBe(200);
  });

  it('reloads the API alone with a new route in a file serverless.yml includes, saying what changed', async () => {
    // Prepare: the last good serverless.yml again
    const restored = configuredCount('api');
    writeFileSync(file(config), original);
    await configured('api', true, restored);

    // Act: a function added to the include file of the projects' functions
    const count = configuredCount('api');
    const consumerReports = configuredCount('stream-consumer');
    edit(
      'services/api/functions/projects.yml',
      (text) =>
        `${text}\nprojectsAgain:\n  handler: src/handlers/projects/list.handler\n  events: [{ httpApi: { method: GET, path: /projects-again, authorizer: { name: jwt } } }]\n`,
    );
    await configured('api', true, count);

    // Assess
    // (The watcher may deliver the restored serverless.yml once more in the same batch: it is then named too.)
    expect(stack.output()).toMatch(
      /\[start\] (services\/api\/serverless\.yml, )?services\/api\/functions\/projects\.yml(, services\/api\/serverless\.yml)? changed: the API reloaded \(routes added: GET \/projects-again; functions added: projectsAgain\)/,
    );
    expect(await status('/projects-again', await stack.token('reloader', { tenant: 'again' }))).toBe(200);
    expect(configuredCount('stream-consumer')).toBe(consumerReports);
    expect(stack.output()).not.toContain('the stream consumer restarted');
  });

  it('restarts the consumer alone when its stream settings change, from its checkpoints', async () => {
    // Act
    const count = configuredCount('stream-consumer');
    edit('services/stream-consumer/serverless.yml', (text) => text.replace('batchSize: 100', 'batchSize: 50'));
    await configured('stream-consumer', true, count);

    // Assess
    expect(stack.output()).toContain(
      '[start] services/stream-consumer/serverless.yml changed: the stream consumer restarted from its checkpoints (events changed: tableChanges)',
    );
    expect(stack.output()).toContain('[consumer] [tableChanges] reading');
    expect(stack.output()).toMatch(/batch 50, window 1 s/);
  });
});
