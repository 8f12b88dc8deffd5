// npm run deploy and npm run remove on this repository, with no AWS credentials: the real CLI
// with --dry-run --json against git refs crafted for each change set (it packages with sls
// through turbo), and the CLI in process with a simulated stage (DescribeStacks answered by
// the test) and turbo's deploy and remove tasks recorded instead of run.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '../src/cli.js';
import { StackGraph } from '../src/graph.js';
import { planDeploy, type Plan } from '../src/plan.js';
import { runCommand } from '../src/process.js';
import { PACKAGE_DIR } from '../src/tasks.js';
import { readWorkspace } from '../src/workspace.js';
import { effectsFor, envWithoutAws, PACKAGING_TIMEOUT_MS, recordingRun, refChanging, ROOT_DIR, runCli, stageWith } from './support.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'deploy-cli-'));
});
afterAll(async () => rm(home, { recursive: true, force: true }));

const SCHEMA_CHANGED = 'packages/schema/src/routes.ts changed';
const DATA_CHANGED = 'packages/data/src/client.ts changed';
const ROOT_CHANGED = 'depends on the data stack (@app/data-stack): serverless.yml changed';

describe('--dry-run --json on a change set, with no AWS credentials', () => {
  it.each<[string, string[], Plan['waves'], Plan['reasons']]>([
    [
      'packages/schema',
      ['packages/schema/src/routes.ts'],
      [['api', 'stream-consumer']],
      { api: `depends on @app/schema: ${SCHEMA_CHANGED}`, 'stream-consumer': `depends on @app/schema: ${SCHEMA_CHANGED}` },
    ],
    [
      'packages/data',
      ['packages/data/src/client.ts'],
      [['api', 'stream-consumer']],
      { api: `depends on @app/data: ${DATA_CHANGED}`, 'stream-consumer': `depends on @app/data: ${DATA_CHANGED}` },
    ],
    [
      'the root serverless.yml',
      ['serverless.yml'],
      [['data'], ['api', 'stream-consumer']],
      { data: 'changed: serverless.yml', api: ROOT_CHANGED, 'stream-consumer': ROOT_CHANGED },
    ],
    [
      'services/api alone',
      ['services/api/src/handlers/projects/list.ts'],
      [['api']],
      { api: 'changed: services/api/src/handlers/projects/list.ts' },
    ],
    ['docs alone', ['README.md', 'docs/benchmarks.md'], [], {}],
    ['tests alone', ['services/api/test/handlers.test.ts', 'packages/data/src/client.test.ts', 'test/api.e2e.test.ts'], [], {}],
  ])(
    '%s: prints the plan as one JSON object and packages each planned stack for the stage',
    async (_, files, waves, reasons) => {
      // Prepare
      const ref = await refChanging(files);
      const started = Date.now();

      // Act
      const { code, stdout, stderr } = await runCli(
        ['deploy', '--stage', 'qa', '--changed-since', ref, '--dry-run', '--json'],
        envWithoutAws(home),
      );

      // Assess
      expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(stdout)).toEqual({ stage: 'qa', waves, reasons });
      for (const name of waves.flat()) {
        const dir = { data: '', api: 'services/api', 'stream-consumer': 'services/stream-consumer' }[name]!;
        const state = join(ROOT_DIR, dir, PACKAGE_DIR, 'serverless-state.json');
        expect((await stat(state)).mtimeMs).toBeGreaterThanOrEqual(started);
      }
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'prints the plan for a person without --json: each wave and why each stack is in it',
    async () => {
      const ref = await refChanging(['packages/data/src/client.ts']);
      const { effects, out } = effectsFor();

      expect(await main(['deploy', '--stage', 'qa', '--changed-since', ref, '--dry-run'], effects, ROOT_DIR)).toBe(0);

      expect(out[0]).toBe(
        [
          `Dry run: deploy plan for stage qa (changes since ${ref}):`,
          '  wave 1: api, stream-consumer',
          `    api: depends on @app/data: ${DATA_CHANGED}`,
          `    stream-consumer: depends on @app/data: ${DATA_CHANGED}`,
        ].join('\n'),
      );
    },
    PACKAGING_TIMEOUT_MS,
  );
});

describe('--only with a missing upstream stack (DescribeStacks simulated)', () => {
  it('stops before building anything and names the command to run first', async () => {
    // Prepare: a stage with no stacks at all
    const { run, turboRuns } = recordingRun();
    const { effects, err } = effectsFor({ run, stage: stageWith({}) });

    // Act
    const code = await main(['deploy', '--stage', 'dev', '--only', 'api'], effects, ROOT_DIR);

    // Assess
    expect(code).toBe(1);
    expect(err).toEqual([
      'error: api needs the data stack, but in stage dev rest-api-data-dev does not exist.\nDeploy it first:\n  npm run deploy -- --stage dev --only data',
    ]);
    expect(turboRuns).toEqual([]);
  });

  it('treats an upstream stack whose creation failed as missing, and keeps the region in the command', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects, err, regions } = effectsFor({ run, stage: stageWith({ 'rest-api-data-qa': { status: 'ROLLBACK_COMPLETE' } }) });

    expect(await main(['deploy', '--stage', 'qa', '--region', 'eu-west-1', '--only', 'stream-consumer,api'], effects, ROOT_DIR)).toBe(1);

    expect(err[0]).toBe(
      'error: api and stream-consumer need the data stack, but in stage qa rest-api-data-qa is ROLLBACK_COMPLETE.\n' +
        'Deploy it first:\n  npm run deploy -- --stage qa --region eu-west-1 --only data',
    );
    expect(regions).toEqual(['eu-west-1']);
    expect(turboRuns).toEqual([]);
  });
});

describe('a deploy, turbo deploy recorded instead of run, and the smoke check', () => {
  let server: Server;
  let baseUrl: string;
  let projectsStatus = 401;
  beforeAll(async () => {
    server = createServer((request, response) => {
      response.statusCode = request.url === '/openapi.json' ? 200 : request.url === '/projects' ? projectsStatus : 404;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const deployedStage = () =>
    stageWith({ 'rest-api-data-dev': {}, 'rest-api-stream-consumer-dev': {}, 'rest-api-http-dev': { outputs: { HttpApiUrl: baseUrl } } });

  it(
    'packages, deploys the planned stacks in one turbo run, smoke-tests the stage and gives its URL',
    async () => {
      // Prepare
      projectsStatus = 401;
      const { run, turboRuns } = recordingRun(['deploy']);
      const { effects, out, err } = effectsFor({ run, stage: deployedStage() });

      // Act
      const code = await main(['deploy', '--stage', 'dev', '--only', 'api', '--json'], effects, ROOT_DIR);

      // Assess
      expect(code).toBe(0);
      expect(turboRuns.map((args) => args[0])).toEqual(['build', 'package', 'deploy']);
      expect(turboRuns[2]).toEqual([
        'deploy',
        '--only',
        '--env-mode=loose',
        '--output-logs=full',
        '--log-order=stream',
        '--filter=@app/api',
        '--',
        '--stage',
        'dev',
        '--region',
        'us-east-1',
      ]);
      expect(JSON.parse(out.at(-1)!)).toEqual({
        stage: 'dev',
        waves: [['api']],
        reasons: { api: 'named in --only' },
        urls: { api: baseUrl },
      });
      expect(err).toContain('[deploy] smoke check of api: GET /openapi.json 200, GET /projects 401');
      expect(err.at(-1)).toBe(`api: ${baseUrl}`);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it(
    'fails when the stage does not answer as it should, naming each request',
    async () => {
      projectsStatus = 200;
      const { run } = recordingRun(['deploy']);
      const { effects, err } = effectsFor({ run, stage: deployedStage() });

      expect(await main(['deploy', '--stage', 'dev', '--only', 'api'], effects, ROOT_DIR)).toBe(1);

      expect(err.at(-1)).toBe(`error: smoke check of api at ${baseUrl} failed:\n  GET /projects: expected 401, got 200`);
    },
    PACKAGING_TIMEOUT_MS,
  );

  it('deploys nothing when nothing changed, and still checks the stage and gives its URL', async () => {
    projectsStatus = 401;
    const ref = await refChanging(['docs/benchmarks.md']);
    const { run, turboRuns } = recordingRun();
    const { effects, out } = effectsFor({ run, stage: deployedStage() });

    expect(await main(['deploy', '--stage', 'dev', '--changed-since', ref, '--json'], effects, ROOT_DIR)).toBe(0);

    expect(JSON.parse(out[0]!)).toEqual({ stage: 'dev', waves: [], reasons: {}, urls: { api: baseUrl } });
    expect(turboRuns).toEqual([]);
  });

  it(
    'skips the smoke check of a stack the stage does not have yet',
    async () => {
      const { run } = recordingRun(['deploy']);
      const { effects, err } = effectsFor({ run, stage: stageWith({ 'rest-api-data-dev': {} }) });

      expect(await main(['deploy', '--stage', 'dev', '--only', 'data'], effects, ROOT_DIR)).toBe(0);

      expect(err).toContain(
        '[deploy] smoke check of api skipped: rest-api-http-dev has no output HttpApiUrl in this stage (not deployed yet?)',
      );
    },
    PACKAGING_TIMEOUT_MS,
  );
});

describe('remove', () => {
  const everything = stageWith({ 'rest-api-data-dev': {}, 'rest-api-http-dev': {}, 'rest-api-stream-consumer-dev': {} });

  it('removes the services first, in parallel, and the data stack last', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects } = effectsFor({ run, stage: everything });

    expect(await main(['remove', '--stage', 'dev'], effects, ROOT_DIR)).toBe(0);

    expect(turboRuns.map((args) => args.filter((arg) => arg.startsWith('--filter=')))).toEqual([
      ['--filter=@app/api', '--filter=@app/stream-consumer'],
      ['--filter=@app/data-stack'],
    ]);
  });

  it('refuses prod without --force, before anything else', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects, err } = effectsFor({ run, stage: everything });

    expect(await main(['remove', '--stage', 'prod'], effects, ROOT_DIR)).toBe(2);

    expect(err[0]).toBe(
      'error: refusing to remove stage prod without --force (its table keeps deletion protection on and is retained either way)',
    );
    expect(turboRuns).toEqual([]);
  });

  it('removes prod with --force', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects } = effectsFor({ run, stage: stageWith({}) });

    expect(await main(['remove', '--stage', 'prod', '--force'], effects, ROOT_DIR)).toBe(0);

    expect(turboRuns).toHaveLength(2);
  });

  it('refuses to remove the data stack while a service still uses it, naming the command to run first', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects, err } = effectsFor({ run, stage: stageWith({ 'rest-api-data-dev': {}, 'rest-api-http-dev': {} }) });

    expect(await main(['remove', '--stage', 'dev', '--only', 'data'], effects, ROOT_DIR)).toBe(1);

    expect(err[0]).toBe('error: api still uses the data stack in stage dev.\nRemove it first:\n  npm run remove -- --stage dev --only api');
    expect(turboRuns).toEqual([]);
  });

  it('prints the removal plan and removes nothing with --dry-run', async () => {
    const { run, turboRuns } = recordingRun();
    const { effects, out, regions } = effectsFor({ run });

    expect(await main(['remove', '--stage', 'dev', '--dry-run'], effects, ROOT_DIR)).toBe(0);

    expect(out[0]).toMatch(/^Dry run: remove plan for stage dev:\n {2}wave 1: api, stream-consumer\n[^]*\n {2}wave 2: data\n/);
    expect(turboRuns).toEqual([]);
    expect(regions).toEqual([]);
  });
});

describe('command lines that cannot run', () => {
  it.each<[string, string[], RegExp]>([
    ['no command', [], /the command is deploy or remove/],
    ['no stage', ['deploy'], /--stage is required/],
    ['the local stage', ['deploy', '--stage', 'local'], /"local" is the stage of npm start/],
    ['a stage name CloudFormation would refuse', ['deploy', '--stage', 'Dev_1'], /"Dev_1" is not a stage name/],
    ['--only with --changed-since', ['deploy', '--stage', 'dev', '--only', 'api', '--changed-since', 'main'], /cannot be combined/],
    [
      'an --only name that is not a stack',
      ['deploy', '--stage', 'dev', '--only', 'web', '--dry-run'],
      /no stack is called web; the stacks are api, data, stream-consumer/,
    ],
    ['an empty --only name', ['deploy', '--stage', 'dev', '--only', 'api,'], /--only takes stack names/],
    ['an unknown option', ['deploy', '--stage', 'dev', '--stages', 'x'], /Unknown option '--stages'/],
    ['remove with --changed-since', ['remove', '--stage', 'dev', '--changed-since', 'main'], /remove takes --only/],
    ['deploy with --force', ['deploy', '--stage', 'dev', '--force'], /--force is for remove/],
    ['remove with --json', ['remove', '--stage', 'dev', '--json'], /--json is for deploy/],
    [
      'a ref this clone does not have',
      ['deploy', '--stage', 'dev', '--changed-since', 'deployed/nowhere', '--dry-run'],
      /"deployed\/nowhere" names no commit in this clone/,
    ],
  ])('%s: exit 2, the reason and the usage', async (_, argv, message) => {
    const { run, turboRuns } = recordingRun();
    const { effects, err } = effectsFor({ run });

    expect(await main(argv, effects, ROOT_DIR)).toBe(2);

    expect(err[0]).toMatch(message);
    expect(err[1]).toMatch(/^usage:/);
    expect(turboRuns).toEqual([]);
  });
});

it("plans the waves that turbo's own task graph runs (turbo run deploy --dry=json)", async () => {
  // Prepare
  const graph = new StackGraph(await readWorkspace(ROOT_DIR, runCommand));
  const { stdout } = await runCommand('npx', ['--no-install', 'turbo', 'run', 'deploy', '--dry=json'], { cwd: ROOT_DIR });
  const tasks = (JSON.parse(stdout) as { tasks: { package: string; task: string; dependencies: string[] }[] }).tasks;

  // Act: each stack's deploy task after every stack deploy task it waits for, however indirectly
  const deployOf = (packageName: string) => tasks.find((task) => task.package === packageName && task.task === 'deploy')!;
  const waits = (taskId: string): string[] => {
    const task = tasks.find((candidate) => `${candidate.package}#${candidate.task}` === taskId)!;
    return task.dependencies.flatMap((dependency) => [dependency, ...waits(dependency)]);
  };
  const turboUpstream = (name: string) =>
    graph.stacks
      .filter((other) => waits(`${graph.stack(name).packageName}#deploy`).includes(`${other.packageName}#deploy`))
      .map((other) => other.name);

  // Assess
  for (const stack of graph.stacks) expect(deployOf(stack.packageName)).toBeDefined();
  for (const stack of graph.stacks) expect(turboUpstream(stack.name)).toEqual(graph.upstreamOf(stack.name));
  expect(planDeploy(graph, { kind: 'all' }, 'dev').waves).toEqual([['data'], ['api', 'stream-consumer']]);
});
