// npm start as a user meets it: data survives a restart, a taken port is one clear line.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient } from '@app/client';
import { freePort } from '@app/testing';
import { runRootScript, startStack } from './support/stack.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stack-data-'));
});
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

describe('npm start', () => {
  it('keeps a project created before a restart', async () => {
    const first = await startStack({ dataDir, authDir: join(dataDir, 'auth') });
    expect(first.output()).toContain(`data in ${join(dataDir, 'dynamodb')}`);
    const token = await first.token('restarter');
    const { id } = await createClient({ baseUrl: first.baseUrl, token }).createProject({ body: { name: 'Survives restarts' } });
    expect(first.output()).toMatch(/\[start\] DynamoDB \(embedded\) on http:\/\/127\.0\.0\.1:\d+, data in /);
    expect(await first.stop()).toBe(0);

    const second = await startStack({ dataDir, authDir: join(dataDir, 'auth') });
    try {
      const reread = await createClient({ baseUrl: second.baseUrl, token }).getProject({ path: { projectId: id } });
      expect(reread).toMatchObject({ id, name: 'Survives restarts' });
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });

  it('says in one line which port is taken, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const run = runRootScript('start.ts', { PORT: String(taken), DB_PORT: String(await freePort()), DB_IN_MEMORY: '1' });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${taken} on 127.0.0.1 is already in use: stop the other process or set PORT`);
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });
});
