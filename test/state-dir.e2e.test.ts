// STATE_DIR means the same to every command of the local stack (scripts/lib/local-env.ts):
// npm run token signs with the key npm start verifies, npm run db serves the data npm start
// kept, and the stream runner and npm start report the same folders.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keyOf, projectEntity } from '@app/data';
import { createDynamoDBClient } from '@app/local-dynamodb';
import { eventually, freePort, httpCaller } from '@app/testing';
import { LOCAL_TABLE, runRootScript, startStack } from './support/stack.js';

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'state-dir-'));
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));

/** `npm run token` with only STATE_DIR set: the token it prints. */
async function npmRunToken(): Promise<string> {
  const run = runRootScript('token.ts', { STATE_DIR: stateDir, AUTH_DIR: '' }, { args: ['alice', '--tenant', 'state'] });
  expect(await run.exited).toBe(0);
  return run.output().trim();
}

it('npm run token, npm start, the stream runner and npm run db agree on STATE_DIR', async () => {
  // Act: a token first (it makes the key), then the stack, with the same STATE_DIR and nothing else
  const token = await npmRunToken();
  const stack = await startStack({ dataDir: stateDir, env: { AUTH_DIR: '' } });
  let startLayout: Record<string, unknown>;
  try {
    startLayout = stack.run.messages.find((m) => m.type === 'ready')!.layout as Record<string, unknown>;
    const created = await httpCaller(stack.baseUrl, token)('POST', '/projects', { body: { name: 'kept in STATE_DIR' } });

    // Assess: npm start verifies what npm run token signed
    expect(created.status).toBe(201);
    // The request's metric line is in STATE_DIR's metrics file, not in npm start's output
    const metricLines = await eventually(async () => {
      const lines = (await readFile(join(stateDir, 'metrics.ndjson'), 'utf8')).split('\n').filter(Boolean);
      return lines.length > 0 && lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    });
    expect(metricLines).toContainEqual(expect.objectContaining({ route: 'POST /projects', statusClass: '2xx', Requests: 1 }));
    expect(stack.output()).not.toContain('"_aws"');
  } finally {
    expect(await stack.stop()).toBe(0);
  }
  expect(startLayout).toMatchObject({
    stateDir,
    authDir: join(stateDir, 'auth'),
    dataDir: join(stateDir, 'dynamodb'),
    streamsDir: join(stateDir, 'streams'),
    metricsFile: join(stateDir, 'metrics.ndjson'),
  });

  // npm run db serves the data npm start kept; the stream runner reads the same folders
  const dbPort = await freePort();
  const db = runRootScript('db.ts', { STATE_DIR: stateDir, DB_PORT: String(dbPort) });
  try {
    const endpoint = `http://127.0.0.1:${dbPort}`;
    const client = DynamoDBDocumentClient.from(createDynamoDBClient(endpoint));
    const items = await eventually(
      async () => {
        try {
          const { Items } = await client.send(
            new QueryCommand({
              TableName: LOCAL_TABLE,
              KeyConditionExpression: 'pk = :pk',
              // The tenant's projects: the partition of a project of tenant `tenant:state` (the token's claim).
              ExpressionAttributeValues: { ':pk': keyOf(projectEntity, { tenantId: 'tenant:state', projectId: 'any' }).pk },
            }),
          );
          return Items;
        } catch {
          return undefined; // not listening yet
        }
      },
      { timeoutMs: 60_000, description: 'npm run db answering' },
    );
    expect(items?.map((item) => item.name)).toContain('kept in STATE_DIR');
    client.destroy();

    const runner = runRootScript('stream-runner.ts', { STATE_DIR: stateDir, AUTH_DIR: '', DYNAMODB_ENDPOINT: endpoint });
    try {
      const ready = await runner.message((m) => m.type === 'ready' || m.type === 'failed', 120_000);
      expect(ready.type).toBe('ready');
      expect(ready.layout).toMatchObject({ stateDir, authDir: startLayout.authDir, streamsDir: startLayout.streamsDir });
    } finally {
      runner.child.kill('SIGINT');
      expect(await runner.exited).toBe(0);
    }
  } finally {
    db.child.kill('SIGINT');
    expect(await db.exited).toBe(0);
  }
});
