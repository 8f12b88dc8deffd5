/**
 * What a GET sent with `ifNoneMatch` resolves to when the resource is still at one of those
 * entity tags (304 Not Modified): your copy is current. `etag` is the current entity tag.
 */
export class NotModified {
  readonly status = 304;

  constructor(readonly etag: string) {}
}

/**
 * The body with the response's ETag as `etag`: not enumerable, so the object is the body as
 * sent (JSON.stringify, spreading and deep equality see no `etag`), and read-only.
 */
export function withEtag<T>(body: T, etag: string | null): T {
  if (etag !== null && typeof body === 'object' && body !== null) Object.defineProperty(body, 'etag', { value: etag, enumerable: false });
  return body;
}
