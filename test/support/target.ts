// Where the HTTP-only suites send their requests: the local stack, booted for the suite as
// npm start boots it, or a deployed stage when E2E_BASE_URL and E2E_TOKEN are set (npm run
// test:e2e; jest.e2e.config.js then runs only the suites that need nothing but HTTP).
import { beforeAll } from '@jest/globals';
import { stackForSuite } from './stack.js';

export interface HttpTarget {
  baseUrl: string;
  /** A bearer token of one user of one tenant. */
  token: string;
}

/** The deployed stage named by E2E_BASE_URL and E2E_TOKEN, or undefined when neither is set. */
export function remoteTarget(env: NodeJS.ProcessEnv = process.env): HttpTarget | undefined {
  const baseUrl = env.E2E_BASE_URL?.trim();
  const token = env.E2E_TOKEN?.trim();
  if (!baseUrl && !token) return undefined;
  if (!baseUrl || !token)
    throw new Error('E2E_BASE_URL and E2E_TOKEN go together: the stage URL and an ID token of a user of it (README, Deploy)');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), token };
}

/**
 * The suite's target: the deployed stage in remote mode, else a local stack booted for the
 * file with a token of `user` in `tenant` from its local issuer. Read `.current` in hooks and tests.
 */
export function httpTargetForSuite(user: string, tenant: string): { readonly current: HttpTarget } {
  const remote = remoteTarget();
  if (remote) return { current: remote };
  const stack = stackForSuite();
  const handle: { current?: HttpTarget } = {};
  beforeAll(async () => {
    handle.current = { baseUrl: stack.current.baseUrl, token: await stack.current.token(user, { tenant }) };
  });
  return handle as { readonly current: HttpTarget };
}
