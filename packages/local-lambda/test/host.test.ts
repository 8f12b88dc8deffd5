// Building and running a small service's functions, and reloading them when a file changes.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '@app/testing';
import { FunctionBuilder, FunctionHost, functionsOf, type FunctionSpec } from '../src/index.js';

let dir: string;
let functions: FunctionSpec[];
const hosts: { host: FunctionHost; builder: FunctionBuilder }[] = [];

const write = (path: string, text: string) => writeFile(join(dir, path), text);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-lambda-'));
  mkdirSync(join(dir, 'src'));
  await write('src/message.ts', "export const message = (): string => 'first';\n");
  await write(
    'src/hello.ts',
    "import { message } from './message.js';\nexport const handler = async (event: { name: string }) => ({ text: `${message()} ${event.name}`, env: process.env.GREETING });\n",
  );
  await write('src/other.ts', "export const handler = async () => 'other';\n");
  await write(
    'src/variables.ts',
    'export const handler = async () => ({ trace: process.env._X_AMZN_TRACE_ID, runtime: process.env.AWS_EXECUTION_ENV, root: process.env.LAMBDA_TASK_ROOT });\n',
  );
  await write(
    'src/prints.ts',
    "export const handler = async () => { console.log(JSON.stringify({ _aws: { Timestamp: 1 }, Requests: 1 })); console.log('a log line'); return 'printed'; };\n",
  );
  await write('src/slow.ts', "export const handler = () => new Promise((resolve) => setTimeout(() => resolve('late'), 5_000));\n");
  functions = functionsOf(dir, {
    service: 'demo',
    provider: { stage: 'local', environment: { GREETING: 'hi' }, timeout: 10 },
    functions: {
      hello: { handler: 'src/hello.handler', events: [{ httpApi: { method: 'GET', path: '/hello', authorizer: { name: 'jwt' } } }] },
      other: { handler: 'src/other.handler' },
      variables: { handler: 'src/variables.handler' },
      traced: { handler: 'src/variables.handler', environment: { POWERTOOLS_TRACE_ENABLED: 'true' } },
      slow: { handler: 'src/slow.handler', timeout: 0.2 },
      prints: { handler: 'src/prints.handler' },
    },
  });
});

afterAll(async () => {
  for (const { host, builder } of hosts) {
    await host.stop();
    await builder.dispose();
  }
  await rm(dir, { recursive: true, force: true });
});

function openHost(): { host: FunctionHost; builder: FunctionBuilder } {
  const builder = new FunctionBuilder({
    serviceDir: dir,
    outDir: join(dir, '.build'),
    esbuild: { bundle: true, format: 'esm', outputFileExtension: '.mjs', platform: 'node' },
    functions,
  });
  const host = new FunctionHost({ builder, functions, env: {}, output: () => undefined });
  hosts.push({ host, builder });
  return { host, builder };
}

describe('functionsOf', () => {
  it('reads entry, environment, timeout and routes from the resolved serverless.yml', () => {
    expect(functions[0]).toMatchObject({
      name: 'hello',
      deployedName: 'demo-local-hello',
      entry: join(dir, 'src/hello.ts'),
      exportName: 'handler',
      environment: { GREETING: 'hi' },
      timeoutMs: 10_000,
      routes: [{ routeKey: 'GET /hello', method: 'GET', path: '/hello', authorized: true }],
    });
  });
});

describe('functionsOf with values only CloudFormation resolves', () => {
  it('leaves a Ref or Fn::GetAtt in the environment empty', () => {
    const [fn] = functionsOf(dir, {
      service: 'demo',
      provider: { environment: { QUEUE_URL: { Ref: 'Queue' }, PLAIN: 1 } },
      functions: { other: { handler: 'src/other.handler' } },
    });
    expect(fn!.environment).toEqual({ QUEUE_URL: '', PLAIN: '1' });
  });
});

describe('FunctionHost', () => {
  it('runs a function with the variables it was given after opening', async () => {
    const { host } = openHost();
    host.setEnvironment('hello', { GREETING: 'given' });
    expect(await host.invoke('hello', { name: 'Ada' })).toMatchObject({ ok: true, value: { env: 'given' } });
  });

  it('gives each invocation a trace header of its own, as Lambda does', async () => {
    const { host } = openHost();

    const [first, second] = [await host.invoke('variables', {}), await host.invoke('variables', {})] as { value: { trace: string } }[];

    expect(first!.value.trace).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    expect(second!.value.trace).not.toBe(first!.value.trace);
  });

  it("runs a function whose configuration turns tracing on in the X-Ray SDK's Lambda mode", async () => {
    const { host } = openHost();

    expect(await host.invoke('traced', {})).toMatchObject({
      ok: true,
      value: { runtime: 'AWS_Lambda_nodejs22.x', root: expect.any(String) },
    });
  });

  it.each([
    ['to the metrics file, the rest to the output', true],
    ['to the output with the rest when no metrics file is given', false],
  ])('sends the metric lines a function prints %s', async (_label, withFile) => {
    // Prepare
    const metricsFile = join(dir, `metrics-${String(withFile)}.ndjson`);
    const printed: string[] = [];
    const builder = new FunctionBuilder({
      serviceDir: dir,
      outDir: join(dir, '.build'),
      esbuild: { bundle: true, format: 'esm', outputFileExtension: '.mjs', platform: 'node' },
      functions,
    });
    const host = new FunctionHost({
      builder,
      functions,
      env: {},
      output: (line) => printed.push(line),
      ...(withFile ? { metricsFile } : {}),
    });
    hosts.push({ host, builder });

    // Act
    const result = await host.invoke('prints', {});
    await eventually(() => printed.includes('a log line'));

    // Assess
    expect(result).toMatchObject({ ok: true, value: 'printed' });
    const metricLine = JSON.stringify({ _aws: { Timestamp: 1 }, Requests: 1 });
    if (withFile) {
      expect(await eventually(async () => (await readFile(metricsFile, 'utf8').catch(() => '')) || undefined)).toBe(`${metricLine}\n`);
      expect(printed).toEqual(['a log line']);
    } else {
      expect(printed).toEqual([metricLine, 'a log line']);
    }
  });

  it('builds a function on first use and runs it with its environment', async () => {
    const { host } = openHost();
    expect(await host.invoke('hello', { name: 'Ada' })).toEqual({ ok: true, value: { text: 'first Ada', env: 'hi' } });
  });

  it('reloads the functions built from a changed file, and only them', async () => {
    // Prepare
    const { host } = openHost();
    await host.invoke('hello', { name: 'Ada' });
    await host.invoke('other', {});

    // Act
    await write('src/message.ts', "export const message = (): string => 'second';\n");
    const report = await host.changed([join(dir, 'src/message.ts')]);

    // Assess
    expect(report).toMatchObject({ functions: ['hello'], outcome: { ok: true }, restarted: true });
    expect(await host.invoke('hello', { name: 'Ada' })).toMatchObject({ ok: true, value: { text: 'second Ada' } });
    expect(await host.changed([join(dir, 'src/unrelated.ts')])).toBeUndefined();
  });

  it('reports where a broken save breaks the build, and recovers on the next save', async () => {
    // Prepare
    const { host } = openHost();
    await host.invoke('hello', { name: 'Ada' });

    // Act
    const good = await readFile(join(dir, 'src/message.ts'), 'utf8');
    await write('src/message.ts', `${good}export const broken = ;\n`);
    const broken = await host.changed([join(dir, 'src/message.ts')]);
    const whileBroken = await host.invoke('hello', { name: 'Ada' });
    await write('src/message.ts', good);
    await host.changed([join(dir, 'src/message.ts')]);

    // Assess
    expect(broken?.outcome).toEqual({
      ok: false,
      errors: [{ file: join(dir, 'src/message.ts'), line: 2, column: 23, text: 'Unexpected ";"' }],
    });
    expect(whileBroken).toMatchObject({ ok: false, reason: 'build' });
    expect(await host.invoke('hello', { name: 'Ada' })).toMatchObject({ ok: true });
  });

  it('finishes an invocation in flight on the code it started with', async () => {
    // Prepare
    await write('src/other.ts', "export const handler = () => new Promise((resolve) => setTimeout(() => resolve('old code'), 600));\n");
    const { host } = openHost();
    await host.prepare('other');
    const inFlight = host.invoke('other', {});
    await new Promise((resolve) => setTimeout(resolve, 100));

    // Act
    await write('src/other.ts', "export const handler = async () => 'new code';\n");
    await host.changed([join(dir, 'src/other.ts')]);

    // Assess
    expect(await inFlight).toEqual({ ok: true, value: 'old code' });
    expect(await host.invoke('other', {})).toEqual({ ok: true, value: 'new code' });
  });

  it('gives up on an invocation after the function timeout', async () => {
    const { host } = openHost();
    expect(await host.invoke('slow', {})).toEqual({ ok: false, reason: 'timeout', timeoutMs: 200 });
  });

  it('reports a thrown error with its stack', async () => {
    await write('src/throws.ts', "export const handler = async () => { throw new TypeError('nope'); };\n");
    const throwing = functionsOf(dir, { service: 'demo', provider: {}, functions: { throws: { handler: 'src/throws.handler' } } });
    const builder = new FunctionBuilder({
      serviceDir: dir,
      outDir: join(dir, '.build'),
      esbuild: { format: 'esm', outputFileExtension: '.mjs' },
      functions: throwing,
    });
    const host = new FunctionHost({ builder, functions: throwing, env: {}, output: () => undefined });
    hosts.push({ host, builder });
    expect(await host.invoke('throws', {})).toMatchObject({
      ok: false,
      reason: 'error',
      phase: 'invoke',
      error: { name: 'TypeError', message: 'nope' },
    });
  });
});

describe('FunctionBuilder', () => {
  it('reuses the bundle of an earlier run when none of its inputs changed', async () => {
    // Prepare
    const { builder } = openHost();
    const first = await builder.build('hello');
    const written = (await stat(builder.outputFile('hello'))).mtimeMs;

    // Act
    const { builder: again } = openHost();
    const second = await again.build('hello');

    // Assess
    expect(second).toEqual(first);
    expect((await stat(again.outputFile('hello'))).mtimeMs).toBe(written);
  });

  it('builds again when an input changed since', async () => {
    // Prepare
    const { builder } = openHost();
    await builder.build('hello');
    const written = (await stat(builder.outputFile('hello'))).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await write('src/message.ts', "export const message = (): string => 'third';\n");

    // Act
    const { builder: again } = openHost();
    await again.build('hello');

    // Assess
    expect((await stat(again.outputFile('hello'))).mtimeMs).toBeGreaterThan(written);
  });
});
