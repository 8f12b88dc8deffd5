// The API's typed client (@app/client) for a suite's stack: what the suites use for their happy
// paths. Requests meant to be malformed stay on @app/testing's httpCaller.
import { createClient, type Client } from '@app/client';
import type { Stack } from './stack.js';

/** A client of `stack` as `user` of `tenant`, with short retry waits. */
export async function clientFor(stack: Stack, user: string, tenant: string): Promise<Client> {
  return createClient({ baseUrl: stack.baseUrl, token: await stack.token(user, { tenant }), retry: { baseDelayMs: 50 } });
}
