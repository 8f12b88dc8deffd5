// The generated OpenAPI document passes a standard linter: Redocly CLI's recommended rules,
// every warning an error (packages/schema/redocly.yaml).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';
import { ROOT_DIR } from './support/stack.js';

it('lints clean with redocly lint', async () => {
  // Act
  const { stdout, stderr } = await promisify(execFile)(
    join(ROOT_DIR, 'node_modules/.bin/redocly'),
    ['lint', 'src/generated/openapi.json', '--format=stylish'],
    {
      cwd: join(ROOT_DIR, 'packages/schema'),
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 60_000,
    },
  );

  // Assess (a finding makes redocly exit non-zero, which rejects above)
  expect(`${stdout}${stderr}`).toMatch(/Woohoo! Your API description is valid/);
  expect(`${stdout}${stderr}`).not.toMatch(/You have \d+ (warning|error)/);
});
