// createClient: one method per operation of the API, from the operation table generated from
// its OpenAPI document (generated/operations.ts), over openapi-fetch (which builds each URL,
// serializes path, query and body, and reads the response).
import createFetchClient from 'openapi-fetch';
import { ApiProblem } from './errors.js';
import { OPERATIONS } from './generated/operations.js';
import { NotModified, withEtag } from './results.js';
import { createTransport, type RetryOptions, type TokenSource } from './transport.js';
import type { Client, EntityTags, OperationId } from './types.js';

export interface ClientOptions {
  /** Where the API is: `http://localhost:3000`, or a stage's URL. */
  baseUrl: string;
  /** The bearer token, or a function that returns one (called before each attempt, so it can refresh). */
  token?: TokenSource;
  /** Retries of 503, 429 and in-progress idempotent requests (see transport.ts); `false` for none. */
  retry?: RetryOptions | false;
  /** The fetch to call (default: globalThis.fetch, looked up at each request). */
  fetch?: (request: Request) => Promise<Response>;
}

/** Every option a method may take; which of them an operation takes is in its type (RequestOf). */
interface CallArgs {
  path?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  ifMatch?: EntityTags;
  ifNoneMatch?: EntityTags;
  idempotencyKey?: string | true;
  signal?: AbortSignal;
}

/** The loose signature of openapi-fetch's `request`: the methods here are typed by operation instead. */
type Send = (
  method: string,
  path: string,
  init: Record<string, unknown>,
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

const tagList = (tags: EntityTags) => (typeof tags === 'string' ? tags : tags.join(', '));

function requestHeaders(operationId: OperationId, args: CallArgs): Record<string, string> {
  const headers: Record<string, string> = { ...args.headers };
  const operation = OPERATIONS[operationId] as { requestMediaType?: string };
  if (args.body !== undefined && operation.requestMediaType) headers['Content-Type'] = operation.requestMediaType;
  if (args.ifMatch !== undefined) headers['If-Match'] = tagList(args.ifMatch);
  if (args.ifNoneMatch !== undefined) headers['If-None-Match'] = tagList(args.ifNoneMatch);
  if (args.idempotencyKey !== undefined)
    headers['Idempotency-Key'] = args.idempotencyKey === true ? crypto.randomUUID() : args.idempotencyKey;
  return headers;
}

/** A client of the API at `baseUrl`. */
export function createClient(options: ClientOptions): Client {
  if (!options || typeof options.baseUrl !== 'string' || !/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError('createClient: baseUrl must be an http(s) URL, such as http://localhost:3000');
  }
  const http = createFetchClient({ baseUrl: options.baseUrl, fetch: createTransport(options) });
  const send = http.request as unknown as Send;

  async function call(operationId: OperationId, args: CallArgs = {}): Promise<unknown> {
    const operation = OPERATIONS[operationId];
    const { data, error, response } = await send(operation.method, operation.path, {
      params: { path: args.path, query: args.query },
      body: args.body,
      headers: requestHeaders(operationId, args),
      parseAs: operation.parseAs,
      ...(args.signal ? { signal: args.signal } : {}),
    });
    if (response.status === 304) return new NotModified(response.headers.get('etag') ?? '');
    if (!response.ok) throw ApiProblem.from(response, error);
    return withEtag(data, response.headers.get('etag'));
  }

  const methods = Object.fromEntries(
    (Object.keys(OPERATIONS) as OperationId[]).map((operationId) => [operationId, (args?: CallArgs) => call(operationId, args)]),
  );
  return Object.freeze(methods) as unknown as Client;
}
