// Resolving a serverless.yml through the framework once, then from the cache while nothing it
// reads changes; the framework's own message when it cannot.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { frameworkErrorMessage, resolveServiceConfig, ServiceConfigError } from '../src/index.js';

let dir: string;
let slsBin: string;
const runs = async () => Number((await readFile(join(dir, 'runs'), 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).length);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'service-config-'));
  // A stand-in for `sls print`: counts its runs, prints the config, or fails as osls does on bad YAML.
  slsBin = join(dir, 'sls');
  await writeFile(
    slsBin,
    `#!/bin/sh\necho run >> "${dir}/runs"\nif grep -q BROKEN serverless.yml; then printf 'Environment: linux\\n\\nError:\\nCannot parse "serverless.yml": bad indentation (3:1)\\n\\n 1 | x\\n' >&2; exit 1; fi\necho '{"service":"demo","custom":{"greeting":"'"$GREETING"'"}}'\n`,
  );
  await chmod(slsBin, 0o755);
  await writeFile(join(dir, 'serverless.yml'), 'service: demo\ncustom: ${file(./extra.yml)}\n');
  await writeFile(join(dir, 'extra.yml'), 'greeting: ${env:GREETING}\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('resolveServiceConfig', () => {
  const resolveWith = (greeting: string) =>
    resolveServiceConfig(dir, { stage: 'local', slsBin, env: { ...process.env, GREETING: greeting }, cacheDir: join(dir, 'cache') });

  it('runs the framework once, then reads the cache', async () => {
    const first = await resolveWith('hello');
    const second = await resolveWith('hello');
    expect(first).toMatchObject({ cached: false, config: { custom: { greeting: 'hello' } } });
    expect(second).toMatchObject({ cached: true, config: { custom: { greeting: 'hello' } } });
    expect(first.files).toEqual([join(dir, 'serverless.yml'), join(dir, 'extra.yml')]);
    expect(await runs()).toBe(1);
  });

  it('resolves again when a variable an included file names changes', async () => {
    expect(await resolveWith('bonjour')).toMatchObject({ cached: false, config: { custom: { greeting: 'bonjour' } } });
  });

  it('resolves again when an included file changes', async () => {
    await writeFile(join(dir, 'extra.yml'), 'greeting: ${env:GREETING} # edited\n');
    expect((await resolveWith('bonjour')).cached).toBe(false);
  });

  it("fails with the framework's message when the YAML does not parse", async () => {
    await writeFile(join(dir, 'serverless.yml'), 'service: demo\n  BROKEN: [\n');
    await expect(resolveWith('hello')).rejects.toThrow(new ServiceConfigError(dir, 'Cannot parse "serverless.yml": bad indentation (3:1)'));
  });
});

describe('frameworkErrorMessage', () => {
  it('keeps the paragraph after "Error:", without the banner or the code frame', () => {
    expect(frameworkErrorMessage('Environment: x\nDocs: y\n\nError:\nCannot parse "a.yml": oops\n(1:2)\n\n 1 | a\n')).toBe(
      'Cannot parse "a.yml": oops (1:2)',
    );
  });

  it('falls back to the whole output without such a line', () => {
    expect(frameworkErrorMessage('  spawn sls ENOENT  ')).toBe('spawn sls ENOENT');
  });
});
