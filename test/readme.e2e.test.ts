// The README's curl session, and its client example and program, run as written (only the
// port differs) against a fresh stack; the TypeScript blocks are type-checked first.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ROOT_DIR, stackForSuite } from './support/stack.js';

const stack = stackForSuite();
const run = promisify(execFile);

/** The fenced block of README.md between `<!-- name:start -->` and `<!-- name:end -->`. */
async function readmeBlock(name: string, language: string): Promise<string> {
  const readme = await readFile(join(ROOT_DIR, 'README.md'), 'utf8');
  const block = readme.match(new RegExp(`<!-- ${name}:start -->\\s*\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`))?.[1];
  if (block === undefined) throw new Error(`README.md has no ${name} block`);
  return block.replaceAll('http://localhost:3000', stack.current.baseUrl);
}

describe('the curl session of README.md, run as written', () => {
  let stdout: string;
  beforeAll(async () => {
    const script = await readmeBlock('curl-session', 'sh');
    // From the repository root, as the README says; `npm run token` signs with this stack's issuer.
    ({ stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
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

describe('the client example and program of README.md', () => {
  // Written beside the suites (test/ is an ES module package that resolves @app/client), removed after.
  let dir: string;
  let compiled: { stdout: string; stderr: string };
  beforeAll(async () => {
    dir = await mkdtemp(join(ROOT_DIR, 'test', '.readme-'));
    await writeFile(join(dir, 'example.ts'), await readmeBlock('client-example', 'ts'));
    await writeFile(join(dir, 'program.ts'), await readmeBlock('client-program', 'ts'));
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true } }));
    compiled = await run(join(ROOT_DIR, 'node_modules/.bin/tsc'), ['-p', dir], { cwd: ROOT_DIR }).catch((error) => error);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a block as the README says (node --import tsx), with a token of this stack. */
  const runBlock = async (file: string) =>
    (
      await run(process.execPath, ['--conditions=source', '--import', 'tsx', join(dir, file)], {
        cwd: ROOT_DIR,
        env: { ...process.env, TOKEN: await stack.current.token('alice', { tenant: `readme-${file}-${Date.now()}` }) },
        timeout: 60_000,
      })
    ).stdout;

  it('type-checks both blocks', () => {
    expect(`${compiled.stdout}${compiled.stderr}`).toBe('');
  });

  it('runs the example: a conditional read that is not modified, and a 400 problem with its errors', async () => {
    const stdout = await runBlock('example.ts');

    expect(stdout).toMatch(/^not modified since "1"\n400 \/problems\/validation-error \[\s*\{\s*pointer: '\/body\/name'/);
  });

  it('runs the program and prints what the README shows', async () => {
    const stdout = await runBlock('program.ts');

    expect(stdout).toBe(
      [
        'open        Book the venue',
        'open        Invite speakers',
        'open        Print badges',
        'Book the venue: done, ETag "2"',
        '412 /problems/precondition-failed',
        '',
      ].join('\n'),
    );
  });
});
