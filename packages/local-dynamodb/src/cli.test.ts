// The root `npm run db` entry (scripts/db.ts) as a user runs it: a real process on a real port.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { eventually, freePort } from '@app/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
import { throughputLimitsFromEnv } from './cli.js';
import { createDynamoDBClient } from './ensure-tables.js';

const rootDir = fileURLToPath(new URL('../../../', import.meta.url));
const dbScript = fileURLToPath(new URL('../../../scripts/db.ts', import.meta.url));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function runDb(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', dbScript], {
    cwd: rootDir,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function listenAnywhere(): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return server;
}

describe('npm run db (scripts/db.ts)', () => {
  it('serves the tables of serverless.yml on DB_PORT until SIGINT, then exits 0', async () => {
    // Prepare
    const port = await freePort();
    const run = runDb({ DB_PORT: String(port), DB_IN_MEMORY: '1' });
    const client = createDynamoDBClient(`http://127.0.0.1:${port}`);
    cleanups.push(() => client.destroy());

    // Act: ready once the port answers with the table in place
    const TableNames = await eventually(
      async () => {
        const { TableNames: names = [] } = await client.send(new ListTablesCommand({}));
        return names.length > 0 ? names : undefined;
      },
      { timeoutMs: 20_000, description: `npm run db answering on ${port}` },
    );
    run.child.kill('SIGINT');
    const code = await run.exit;

    // Assess
    expect(TableNames).toEqual(['rest-api-data-local']);
    expect(run.stdout()).toContain(`[db] DynamoDB (embedded) on http://127.0.0.1:${port}, data in memory`);
    expect(run.stdout()).toContain('[db] table rest-api-data-local ready (created)');
    expect(run.stdout()).toContain('[db] stopped');
    expect(code).toBe(0);
  });

  it('exits 1 with one clear line when DB_PORT is taken', async () => {
    // Prepare
    const taken = await listenAnywhere();
    const { port } = taken.address() as { port: number };

    // Act
    const run = runDb({ DB_PORT: String(port), DB_IN_MEMORY: '1' });
    const code = await run.exit;

    // Assess
    expect(code).toBe(1);
    expect(run.stderr().trim()).toBe(`[db] port ${port} on 127.0.0.1 is already in use: stop the other process or set DB_PORT`);
  });

  it('exits 1 with one clear line when DB_PORT is not a port', async () => {
    // Act
    const run = runDb({ DB_PORT: '80a', DB_IN_MEMORY: '1' });
    const code = await run.exit;

    // Assess
    expect(code).toBe(1);
    expect(run.stderr().trim()).toBe('[db] DB_PORT must be an integer from 1 to 65535, got "80a"');
  });
});

describe('DB_THROUGHPUT_LIMITS', () => {
  it.each([
    ['unset', undefined, undefined],
    ['off', 'off', undefined],
    ["on: DynamoDB's ceilings", 'on', {}],
    [
      'budgets',
      ' write=100, read=300,burst=2 ',
      { partitionWriteUnitsPerSecond: 100, partitionReadUnitsPerSecond: 300, partitionBurstSeconds: 2 },
    ],
  ])('reads %s', (_name, value, expected) => {
    // Act
    const limits = throughputLimitsFromEnv(value === undefined ? {} : { DB_THROUGHPUT_LIMITS: value });

    // Assess
    expect(limits).toEqual(expected);
  });

  it.each(['yes', 'write=0', 'write=-1', 'write=fast', 'writes=10', 'constructor=1', 'write=1=2'])(
    'refuses "%s", naming the variable',
    (value) => {
      // Act
      const read = () => throughputLimitsFromEnv({ DB_THROUGHPUT_LIMITS: value });

      // Assess
      expect(read).toThrow(
        `DB_THROUGHPUT_LIMITS must be on, off, or budgets such as write=100,read=300 (read, write, burst), got "${value}"`,
      );
    },
  );

  it('turns the limits on in npm run db: a hot partition key is throttled with ThrottlingException', async () => {
    // Prepare
    const port = await freePort();
    const run = runDb({ DB_PORT: String(port), DB_IN_MEMORY: '1', DB_THROUGHPUT_LIMITS: 'on' });
    // No retries: the SDK would retry throttled writes until they pass.
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    cleanups.push(() => client.destroy());
    await eventually(() => client.send(new ListTablesCommand({})), { timeoutMs: 20_000, description: `npm run db answering on ${port}` });

    // Act: 20 writes of 100 KB to one partition key at once, 2,000 WCU where one second holds 1,000
    const body = { S: 'x'.repeat(100 * 1024) };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) =>
        client.send(new PutItemCommand({ TableName: 'rest-api-data-local', Item: { pk: { S: 'hot' }, sk: { S: String(index) }, body } })),
      ),
    );
    run.child.kill('SIGINT');
    await run.exit;

    // Assess
    const names = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).name] : []));
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names)).toEqual(new Set(['ThrottlingException']));
    expect(run.stdout()).toContain('[db] throughput limits on: 3000 RCU/s and 1000 WCU/s per partition key (DB_THROUGHPUT_LIMITS)');
  });

  it('exits 1 with one clear line when DB_THROUGHPUT_LIMITS is not understood', async () => {
    // Act
    const run = runDb({ DB_PORT: '8000', DB_IN_MEMORY: '1', DB_THROUGHPUT_LIMITS: 'fast' });
    const code = await run.exit;

    // Assess
    expect(code).toBe(1);
    expect(run.stderr().trim()).toBe(
      '[db] DB_THROUGHPUT_LIMITS must be on, off, or budgets such as write=100,read=300 (read, write, burst), got "fast"',
    );
  });
});
