// What the client does around each HTTP exchange, below openapi-fetch (which builds the
// request and reads the response): the bearer token, asked for at every attempt (so a token
// function can refresh it), and bounded retries with backoff.
//
// Retried: 503 and 429 (the API's and the gateway's "try again later"; nothing was written),
// a 409 that carries Retry-After to a request with an Idempotency-Key (the API's "the first
// request with this key is still running"), and a request that got no response at all. Only
// requests that are safe to repeat are retried: idempotent methods (RFC 9110 9.2.2) and any
// request with an Idempotency-Key; a POST or PATCH without one is sent once. Retry-After is
// honoured as sent; without it the wait is exponential with jitter. A wait longer than
// `maxDelayMs` is not made: the response (with its Retry-After) goes back to the caller.
// Written here: openapi-fetch has no retries, and a fetch wrapper is the one place that sees
// every attempt.
import { retryAfterOf } from './errors.js';

export type TokenSource = string | (() => string | Promise<string>);

export interface RetryOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** The first backoff wait without Retry-After; it doubles at each retry (default 200 ms). */
  baseDelayMs?: number;
  /** The longest wait; a Retry-After longer than this is not waited for (default 10 s). */
  maxDelayMs?: number;
}

export interface TransportOptions {
  token?: TokenSource;
  retry?: RetryOptions | false;
  /** The fetch to call (default: globalThis.fetch, looked up at each request). */
  fetch?: (request: Request) => Promise<Response>;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { retries: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** May this request be sent again without risk of doing twice what it asks? */
export const isRepeatable = (request: Request) => IDEMPOTENT_METHODS.has(request.method) || request.headers.has('idempotency-key');

/** The wait before retry number `attempt + 1` without Retry-After: exponential, half of it random. */
export function backoffMs(policy: Required<RetryOptions>, attempt: number, random = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** How long to wait before sending `request` again after `response`, or undefined to hand the response back. */
export function retryDelayMs(
  response: Response,
  request: Request,
  policy: Required<RetryOptions>,
  attempt: number,
  random = Math.random,
): number | undefined {
  const retryAfter = retryAfterOf(response.headers);
  const inProgress = response.status === 409 && retryAfter !== undefined && request.headers.has('idempotency-key');
  if (response.status !== 503 && response.status !== 429 && !inProgress) return undefined;
  const wait = retryAfter ?? backoffMs(policy, attempt, random);
  return wait > policy.maxDelayMs ? undefined : wait;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

async function authorize(request: Request, token: TokenSource | undefined): Promise<void> {
  if (token === undefined) return;
  request.headers.set('authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
}

/** A fetch that sends `request` with the bearer token, and again while the policy allows. */
export function createTransport(options: TransportOptions = {}): (request: Request) => Promise<Response> {
  const policy = options.retry === false ? { ...DEFAULT_RETRY, retries: 0 } : { ...DEFAULT_RETRY, ...options.retry };
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  return async function fetchWithRetries(request) {
    const repeatable = isRepeatable(request);
    for (let attempt = 0; ; attempt++) {
      const last = !repeatable || attempt >= policy.retries;
      // A request's body can be read once: every attempt but the last sends a copy.
      const sent = last ? request : request.clone();
      await authorize(sent, options.token);
      let response: Response;
      try {
        response = await send(sent);
      } catch (error) {
        if (last || request.signal.aborted) throw error;
        await sleep(backoffMs(policy, attempt), request.signal);
        continue;
      }
      const wait = last ? undefined : retryDelayMs(response, request, policy, attempt);
      if (wait === undefined) return response;
      await response.body?.cancel();
      await sleep(wait, request.signal);
    }
  };
}
