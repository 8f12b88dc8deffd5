// The root `npm run db` entry (scripts/db.ts) as a user runs it: a real process on a real port.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { eventually, freePort } from '@app/testing';
import { afterEach, describe, expect, it } from '@jest/globals';
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
