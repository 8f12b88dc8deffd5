// The README's curl session, run as written (only the port differs) against a fresh stack.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT_DIR, stackForSuite } from './support/stack.js';

const stack = stackForSuite();

describe('the curl session of README.md, run as written', () => {
  let stdout: string;
  beforeAll(async () => {
    const readme = await readFile(join(ROOT_DIR, 'README.md'), 'utf8');
    const block = readme.match(/<!-- curl-session:start -->\s*```sh\n([\s\S]*?)```\s*<!-- curl-session:end -->/)?.[1];
    expect(block).toBeDefined();
    const script = block!.replaceAll('http://localhost:3000', stack.current.baseUrl);
    // From the repository root, as the README says; `npm run token` signs with this stack's issuer.
    ({ stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: ROOT_DIR,
      env: { ...process.env, AUTH_DIR: stack.current.authDir },
      timeout: 90_000,
    }));
  });

  it.each<[string, RegExp]>([
    [
      'a 401 with a bare Bearer challenge to a request without a token',
      /^HTTP\/1\.1 401 Unauthorized[\s\S]*?www-authenticate: Bearer\r?\n/im,
    ],
    ['a 201 with the new project in Location', /HTTP\/1\.1 201 Created[\s\S]*location: \/projects\/[0-9a-f-]{36}/i],
    ['a 304 to a conditional GET', /HTTP\/1\.1 304 Not Modified/],
    ["another tenant's 404, then the two deletions' 204s", /"type":"\/problems\/not-found".*}204\n204\n/],
  ])('shows %s', (_, pattern) => {
    expect(stdout).toMatch(pattern);
  });

  it.each([
    ['a 412 to a stale If-Match', '"type":"/problems/precondition-failed"'],
    ['the renamed project', '"name":"Mobile app v2"'],
    ['the task moved to in_progress', '"status":"in_progress"'],
    ['a 400 that points at the empty title', '"pointer":"/body/title"'],
    ['the refusal of a read-only id', '"pointer":"/body/id","message":"is read-only and cannot be set"'],
  ])('shows %s', (_, text) => {
    expect(stdout).toContain(text);
  });

  it('ends with a 404 problem for the deleted project', () => {
    expect(stdout.trimEnd()).toMatch(/"type":"\/problems\/not-found".*}$/);
  });
});
