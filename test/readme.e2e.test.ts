// The README's curl session, run as written (only the port differs) against a fresh stack.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ROOT_DIR, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  expect(await stack?.stop()).toBe(0);
});

it('runs the curl session of README.md as written', async () => {
  const readme = await readFile(join(ROOT_DIR, 'README.md'), 'utf8');
  const block = readme.match(/<!-- curl-session:start -->\s*```sh\n([\s\S]*?)```\s*<!-- curl-session:end -->/)?.[1];
  expect(block).toBeDefined();
  const script = block!.replaceAll('http://localhost:3000', stack.baseUrl);
  // From the repository root, as the README says; `npm run token` signs with this stack's issuer.
  const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: ROOT_DIR,
    env: { ...process.env, AUTH_DIR: stack.authDir },
    timeout: 90_000,
  });

  expect(stdout).toMatch(/^HTTP\/1\.1 401 Unauthorized[\s\S]*?www-authenticate: Bearer\r?\n/im);
  expect(stdout).toMatch(/HTTP\/1\.1 201 Created[\s\S]*location: \/projects\/[0-9a-f-]{36}/i);
  expect(stdout).toMatch(/HTTP\/1\.1 304 Not Modified/);
  expect(stdout).toContain('"type":"/problems/precondition-failed"');
  expect(stdout).toContain('"name":"Mobile app v2"');
  expect(stdout).toContain('"status":"in_progress"');
  expect(stdout).toContain('"pointer":"/body/title"');
  expect(stdout).toContain('"pointer":"/body/id","message":"is read-only and cannot be set"');
  expect(stdout).toMatch(/"type":"\/problems\/not-found".*}204\n204\n/);
  expect(stdout.trimEnd()).toMatch(/"type":"\/problems\/not-found".*}$/);
});
