// jest's globalSetup of a remote run (npm run test:e2e with E2E_BASE_URL, jest.e2e.config.js):
// says which stage the HTTP-only suites run against, and which suites do not run and why.
// Plain JavaScript: jest loads a globalSetup outside the test transform's module mapping.
import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Why a suite needs the local stack. */
const NEEDS_LOCAL_STACK = {
  'auth.e2e.test.ts': 'signs its own tokens (expired, other tenants, foreign keys) with the local issuer',
  'consumer.e2e.test.ts': "reads the embedded database and the local stream consumer's output",
  'readme.e2e.test.ts': 'runs the README session, whose tokens come from npm run token (the local issuer)',
  'start.e2e.test.ts': 'boots, stops and restarts the local stack',
  'infrastructure.test.ts': 'packages the stacks (no stage involved; part of npm test)',
  'openapi.test.ts': 'lints the OpenAPI document (no stage involved; part of npm test)',
};

/** @param {unknown} _ @param {{ testMatch: string[] }} projectConfig */
export default function remoteSetup(_, projectConfig) {
  const httpOnly = projectConfig.testMatch.map((pattern) => basename(pattern));
  const suites = readdirSync(fileURLToPath(new URL('..', import.meta.url))).filter((file) => file.endsWith('.test.ts'));
  const lines = suites
    .filter((file) => !httpOnly.includes(file))
    .map((file) => `  ${file}: ${NEEDS_LOCAL_STACK[file] ?? 'not listed in HTTP_ONLY_SUITES (jest.e2e.config.js)'}`);
  process.stderr.write(
    `\nEnd-to-end suites against ${process.env.E2E_BASE_URL}: ${httpOnly.join(', ')}.\nNot run against a deployed stage:\n${lines.join('\n')}\n`,
  );
}
