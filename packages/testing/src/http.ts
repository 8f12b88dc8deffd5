// An HTTP caller for a running stack: a bearer token on every request, JSON in and out.
export interface HttpReply {
  status: number;
  headers: Headers;
  /** The body parsed as JSON when it is JSON, else the text; undefined when empty. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  text: string;
}

export interface CallOptions {
  /** Sent as JSON (`content-type: application/json` unless `headers` name another). */
  body?: unknown;
  /** Sent as it is, instead of `body`. */
  raw?: string | Uint8Array;
  /** Merged over the defaults by name, case-insensitively; `null` leaves a header out (e.g. `'content-type': null`). */
  headers?: Record<string, string | null>;
  /** Another caller's token for this request; `null` sends none. */
  token?: string | null;
}

export type Call = (method: string, path: string, options?: CallOptions) => Promise<HttpReply>;

/** `call(method, path, options)` against `baseUrl`, with `token` as the bearer token unless a call says otherwise. */
export function httpCaller(baseUrl: string, token?: string): Call {
  return async (method, path, options = {}) => {
    const bearer = options.token === undefined ? token : options.token;
    const hasBody = options.body !== undefined || options.raw !== undefined;
    const headers = new Headers();
    if (bearer) headers.set('authorization', `Bearer ${bearer}`);
    if (hasBody) headers.set('content-type', 'application/json');
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value === null) headers.delete(name);
      else headers.set(name, value);
    }
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    // A string body without a content type would get fetch's own (text/plain): bytes get none.
    const sent = typeof body === 'string' && !headers.has('content-type') ? new TextEncoder().encode(body) : body;
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: sent });
    const text = await response.text();
    const json = /json/.test(response.headers.get('content-type') ?? '');
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : json ? JSON.parse(text) : text, text };
  };
}
