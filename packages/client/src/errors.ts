// The client's one error: ApiProblem, for every response that is not a success (nor a 304 the
// caller asked for by sending If-None-Match).
import type { components } from './generated/openapi.js';

/** Every problem type the API answers with (its problem catalogue), and `about:blank` for an error that is not problem+json. */
export type ProblemType = components['schemas']['ProblemType'] | 'about:blank';
/** One invalid part of a request: a JSON Pointer into it (`/body/name`, `/query/limit`, `/headers/if-match`) and what is wrong. */
export type ProblemError = NonNullable<components['schemas']['Problem']['errors']>[number];

export interface ProblemDetails {
  type: ProblemType;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: readonly ProblemError[];
}

/**
 * An RFC 9457 problem the API answered with: `type` tells what happened (branch on it), `errors`
 * points at each invalid part of the request. A response that is not application/problem+json
 * (a proxy's 502, say) becomes a problem of type `about:blank`, as RFC 9457 section 4.2.1 says,
 * its body (cut to 500 characters) as `detail`.
 */
export class ApiProblem extends Error implements ProblemDetails {
  readonly type: ProblemType;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  /** Empty unless the problem lists invalid parts of the request. */
  readonly errors: readonly ProblemError[];
  /** Milliseconds the server asked to wait before retrying (`Retry-After`), when it did. */
  readonly retryAfterMs?: number;
  /** The response's headers. */
  readonly headers: Headers;

  constructor(details: ProblemDetails, headers: Headers = new Headers()) {
    super(`${details.status} ${details.title}: ${details.detail}`);
    this.name = 'ApiProblem';
    this.type = details.type;
    this.title = details.title;
    this.status = details.status;
    this.detail = details.detail;
    if (details.instance !== undefined) this.instance = details.instance;
    this.errors = details.errors ?? [];
    this.headers = headers;
    const retryAfterMs = retryAfterOf(headers);
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }

  /** The problem a failed response carries; `body` is what openapi-fetch read of it (parsed JSON, or the text). */
  static from(response: Response, body: unknown): ApiProblem {
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    if (mediaType === 'application/problem+json' && isProblem(body)) return new ApiProblem(body, response.headers);
    const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
    const title = response.statusText || `HTTP ${response.status}`;
    return new ApiProblem({ type: 'about:blank', title, status: response.status, detail: text.slice(0, 500) || title }, response.headers);
  }
}

const isProblem = (body: unknown): body is ProblemDetails =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as ProblemDetails).type === 'string' &&
  typeof (body as ProblemDetails).title === 'string' &&
  typeof (body as ProblemDetails).status === 'number';

/** `Retry-After` in milliseconds: delta-seconds or an HTTP-date (RFC 9110 10.2.3); undefined when absent or unreadable. */
export function retryAfterOf(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
