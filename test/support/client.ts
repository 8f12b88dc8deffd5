// The API's typed client (@app/client) for a suite's stack: what the suites use for their happy
// paths. Requests meant to be malformed stay on @app/testing's httpCaller.
import { createClient, type Client } from '@app/client';
import type { Stack } from './stack.js';
import type { HttpTarget } from './target.js';

/** A client of `target` (a local stack or a deployed stage) with its token, and short retry waits. */
export function clientOf(target: HttpTarget): Client {
  return createClient({ baseUrl: target.baseUrl, token: target.token, retry: { baseDelayMs: 50 } });
}

/** A client of `stack` as `user` of `tenant`. */
export async function clientFor(stack: Stack, user: string, tenant: string): Promise<Client> {
  return clientOf({ baseUrl: stack.baseUrl, token: await stack.token(user, { tenant }) });
}
