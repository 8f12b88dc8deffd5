// After a deploy: the stage's URL from the stack outputs, and the requests its package.json
// lists (`stack.smoke`: for the API, GET /openapi.json answers 200 and an unauthenticated
// GET /projects 401), retried for a short while because a new route can take a few seconds
// to answer everywhere.
import { SmokeCheckError } from './errors.js';
import type { Stack } from './graph.js';

export interface SmokeOptions {
  fetch: typeof fetch;
  /** Tries per request before it counts as failed. */
  attempts?: number;
  sleep?: (ms: number) => Promise<void>;
  delayMs?: number;
}

/** The status each request got (the last try's), or what kept it from getting one. */
async function statusOf(
  url: string,
  { fetch, attempts = 5, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), delayMs = 3000 }: SmokeOptions,
  expected: number,
) {
  let outcome = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
      if (response.status === expected) return { ok: true, outcome: String(response.status) };
      outcome = String(response.status);
    } catch (error) {
      outcome = (error as Error).message;
    }
    if (attempt < attempts) await sleep(delayMs);
  }
  return { ok: false, outcome };
}

/** Runs `stack`'s smoke requests against `baseUrl`; throws a SmokeCheckError listing every one that failed. */
export async function smokeCheck(stack: Stack, baseUrl: string, options: SmokeOptions): Promise<string[]> {
  const base = baseUrl.replace(/\/+$/, '');
  const results = await Promise.all(
    stack.smoke.map(async ({ path, status }) => ({ path, status, ...(await statusOf(`${base}${path}`, options, status)) })),
  );
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0) {
    throw new SmokeCheckError(
      `smoke check of ${stack.name} at ${base} failed:\n${failed.map((f) => `  GET ${f.path}: expected ${f.status}, got ${f.outcome}`).join('\n')}`,
    );
  }
  return results.map((result) => `GET ${result.path} ${result.outcome}`);
}
