import { describe, expect, it } from '@jest/globals';
import { UsageError } from '../src/errors.js';
import { StackGraph, type WorkspacePackage } from '../src/graph.js';
import { blockingDownstream, planDeploy, planRemoval, requiredUpstream, type Plan } from '../src/plan.js';
import { REPO_LIKE } from './workspace-fixture.js';

const graph = new StackGraph(REPO_LIKE);
const changed = (...files: string[]) => planDeploy(graph, { kind: 'changed', since: 'main', files }, 'dev');

describe('--changed-since: the change sets of a day', () => {
  it.each<[string, string[], Plan['waves'], Plan['reasons']]>([
    [
      'packages/schema',
      ['packages/schema/src/routes.ts'],
      [['api', 'stream-consumer']],
      {
        api: 'depends on @app/schema: packages/schema/src/routes.ts changed',
        'stream-consumer': 'depends on @app/schema: packages/schema/src/routes.ts changed',
      },
    ],
    [
      'packages/data',
      ['packages/data/src/client.ts', 'packages/data/src/repositories/projects.ts'],
      [['api', 'stream-consumer']],
      {
        api: 'depends on @app/data: packages/data/src/client.ts, packages/data/src/repositories/projects.ts changed',
        'stream-consumer': 'depends on @app/data: packages/data/src/client.ts, packages/data/src/repositories/projects.ts changed',
      },
    ],
    [
      'the root serverless.yml',
      ['serverless.yml'],
      [['data'], ['api', 'stream-consumer']],
      {
        data: 'changed: serverless.yml',
        api: 'depends on the data stack (@app/data-stack): serverless.yml changed',
        'stream-consumer': 'depends on the data stack (@app/data-stack): serverless.yml changed',
      },
    ],
    [
      'services/api alone',
      ['services/api/src/handlers/projects/list.ts'],
      [['api']],
      { api: 'changed: services/api/src/handlers/projects/list.ts' },
    ],
    ['docs alone', ['README.md', 'docs/benchmarks.md', 'services/api/README.md'], [], {}],
    [
      'tests alone',
      [
        'services/api/test/handlers.test.ts',
        'packages/data/src/client.test.ts',
        'services/stream-consumer/jest.config.js',
        'test/api.e2e.test.ts',
        'packages/testing/src/http.ts',
      ],
      [],
      {},
    ],
  ])('%s', (_, files, waves, reasons) => {
    // Act
    const plan = changed(...files);

    // Assess
    expect(plan).toEqual({ stage: 'dev', waves, reasons });
  });
});

describe('--changed-since: files outside any package', () => {
  it.each<[string, string, Plan['waves']]>([
    ['the bundle settings every service shares', 'services/esbuild.yml', [['api', 'stream-consumer']]],
    ['the lockfile (dependency versions reach every stack)', 'package-lock.json', [['data'], ['api', 'stream-consumer']]],
    ['the workflows', '.github/workflows/deploy.yml', []],
    ['the local stack', 'scripts/start.ts', []],
  ])('%s: %s', (_, file, waves) => {
    expect(changed(file).waves).toEqual(waves);
  });

  it('lists three files of a change, then counts the rest', () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((name) => `services/api/src/${name}.ts`);

    expect(changed(...files).reasons.api).toBe('changed: services/api/src/a.ts, services/api/src/b.ts, services/api/src/c.ts and 2 more');
  });

  it('gives each reason a stack has, and a file changed twice once', () => {
    const plan = changed('packages/schema/src/routes.ts', 'packages/data/src/client.ts', 'packages/data/src/client.ts');

    expect(plan.reasons['stream-consumer']).toBe(
      'depends on @app/data: packages/data/src/client.ts changed; depends on @app/schema: packages/schema/src/routes.ts changed',
    );
  });

  it('names the package a dependency is reached through, when it is not a direct one', () => {
    // Prepare: a service that needs @app/schema only through @app/data
    const indirect = new StackGraph([
      { name: '@app/schema', dir: 'packages/schema', dependencies: [], devDependencies: [] },
      { name: '@app/data', dir: 'packages/data', dependencies: ['@app/schema'], devDependencies: [] },
      { name: '@app/worker', dir: 'services/worker', dependencies: ['@app/data'], devDependencies: [], stack: { name: 'worker' } },
    ]);

    // Act
    const plan = planDeploy(indirect, { kind: 'changed', since: 'main', files: ['packages/schema/src/types.ts'] }, 'dev');

    // Assess
    expect(plan.reasons).toEqual({ worker: 'depends on @app/schema through @app/data: packages/schema/src/types.ts changed' });
  });

  it('selects a stack whose dependency is needed only by its tests (devDependencies) for nothing', () => {
    expect(changed('packages/local-dynamodb/src/engine.ts').waves).toEqual([]);
  });
});

describe('every stack, or the ones named', () => {
  it('deploys every stack, the data stack first, when nothing narrows the selection', () => {
    const plan = planDeploy(graph, { kind: 'all' }, 'prod');

    expect(plan.waves).toEqual([['data'], ['api', 'stream-consumer']]);
    expect(Object.keys(plan.reasons).sort()).toEqual(['api', 'data', 'stream-consumer']);
  });

  it.each<[string[], Plan['waves']]>([
    [['api'], [['api']]],
    [
      ['stream-consumer', 'data'],
      [['data'], ['stream-consumer']],
    ],
    [['data'], [['data']]],
  ])('--only %j deploys %j', (names, waves) => {
    const plan = planDeploy(graph, { kind: 'only', names }, 'dev');

    expect(plan.waves).toEqual(waves);
    expect(Object.values(plan.reasons)).toEqual(names.map(() => 'named in --only'));
  });

  it('refuses an --only name that is not a stack, listing the stacks', () => {
    expect(() => planDeploy(graph, { kind: 'only', names: ['api', 'web'] }, 'dev')).toThrow(
      new UsageError('--only: no stack is called web; the stacks are api, data, stream-consumer'),
    );
  });
});

describe('what must already be in the stage', () => {
  it('names the upstream stack that an --only deploy leaves out', () => {
    const plan = planDeploy(graph, { kind: 'only', names: ['api'] }, 'dev');

    expect(requiredUpstream(graph, plan)).toEqual([{ stack: 'api', needs: 'data' }]);
  });

  it('needs nothing outside a plan that has the upstream in it', () => {
    expect(requiredUpstream(graph, planDeploy(graph, { kind: 'all' }, 'dev'))).toEqual([]);
  });
});

describe('removal', () => {
  it('removes the services first and the data stack last', () => {
    const plan = planRemoval(graph, { kind: 'all' }, 'dev');

    expect(plan.waves).toEqual([['api', 'stream-consumer'], ['data']]);
    expect(plan.reasons.data).toBe('every stack is removed when --only is not given');
  });

  it('names the stacks that must go before an --only removal of the data stack', () => {
    const plan = planRemoval(graph, { kind: 'only', names: ['data'] }, 'dev');

    expect(blockingDownstream(graph, plan)).toEqual([
      { stack: 'data', blockedBy: 'api' },
      { stack: 'data', blockedBy: 'stream-consumer' },
    ]);
  });
});

describe('the workspace graph', () => {
  const pkg = (name: string, stack?: WorkspacePackage['stack'], dependencies: string[] = []): WorkspacePackage => ({
    name,
    dir: `services/${name}`,
    dependencies,
    devDependencies: [],
    ...(stack ? { stack } : {}),
  });

  it.each<[string, WorkspacePackage[], RegExp]>([
    [
      'two packages with one stack name',
      [pkg('a', { name: 'web' }), pkg('b', { name: 'web' })],
      /two packages declare the stack "web": a and b/,
    ],
    ['a stack name in capitals', [pkg('a', { name: 'Web' })], /"name" must be lower-case letters, digits and dashes, got "Web"/],
    ['an input outside the repository', [pkg('a', { name: 'a', inputs: ['../../../etc/passwd'] })], /is outside the repository/],
    ['a smoke check without a URL output', [pkg('a', { name: 'a', smoke: [{ path: '/', status: 200 }] })], /"smoke" needs "url"/],
    [
      'a smoke path without a slash',
      [pkg('a', { name: 'a', url: 'Url', smoke: [{ path: 'x', status: 200 }] })],
      /needs a "path" starting with \//,
    ],
    ['a cycle of stacks', [pkg('a', { name: 'a' }, ['b']), pkg('b', { name: 'b' }, ['a'])], /the stack "a" depends on itself/],
  ])('refuses %s', (_, packages, message) => {
    expect(() => new StackGraph(packages)).toThrow(message);
  });

  it('resolves a stack whose serverless.yml is elsewhere to that folder, and its inputs from its own', () => {
    expect(graph.stack('data')).toMatchObject({ serviceDir: '', inputs: ['serverless.yml', 'package-lock.json'] });
    expect(graph.stack('api')).toMatchObject({
      serviceDir: 'services/api',
      inputs: ['services/esbuild.yml', 'services/esbuild-plugins.mjs', 'package-lock.json'],
    });
  });

  it('orders by devDependencies too, as Turborepo does', () => {
    const withDevEdge = new StackGraph([pkg('a', { name: 'a' }), { ...pkg('b', { name: 'b' }), devDependencies: ['a'] }]);

    expect(withDevEdge.upstreamOf('b')).toEqual(['a']);
  });
});
