// The catalogue of RFC 9457 problem types: one source for the API (services/api's
// HttpProblem) and for the OpenAPI document, which lists each type on the responses that
// can carry it. A `type` is a stable URI a client can branch on; never rename one.

export interface ProblemTypeDefinition {
  readonly type: `/problems/${string}`;
  readonly title: string;
  readonly status: number;
  /** What it means and what the client should do, for the API reference. */
  readonly description: string;
}

export const PROBLEM_TYPES = {
  badRequest: {
    type: '/problems/bad-request',
    title: 'Bad Request',
    status: 400,
    description: 'The request cannot be read: malformed JSON, or a malformed header (see `errors`).',
  },
  validation: {
    type: '/problems/validation-error',
    title: 'Your request is not valid',
    status: 400,
    description: 'One or more fields are invalid; `errors` has a JSON Pointer into the request for each.',
  },
  invalidCursor: {
    type: '/problems/invalid-cursor',
    title: 'Invalid pagination cursor',
    status: 400,
    description: 'The cursor was not issued for this list (forged, edited, or from another list): start again without it.',
  },
  unauthorized: {
    type: '/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    description: 'No valid bearer token: see the `WWW-Authenticate` challenge.',
  },
  notFound: {
    type: '/problems/not-found',
    title: 'Not Found',
    status: 404,
    description: "No such resource for your tenant (another tenant's resource answers the same).",
  },
  methodNotAllowed: {
    type: '/problems/method-not-allowed',
    title: 'Method Not Allowed',
    status: 405,
    description: 'The path exists but not with this method; `Allow` lists the methods it has.',
  },
  conflict: {
    type: '/problems/conflict',
    title: 'Conflict',
    status: 409,
    description: 'The write clashed with the current state of the resource.',
  },
  idempotencyInProgress: {
    type: '/problems/idempotency-in-progress',
    title: 'Request in progress',
    status: 409,
    description: 'A request with this `Idempotency-Key` is still being processed: retry after `Retry-After` seconds to get its response.',
  },
  preconditionFailed: {
    type: '/problems/precondition-failed',
    title: 'Precondition Failed',
    status: 412,
    description: 'The resource changed since you read it (`If-Match` is stale): fetch it again and retry.',
  },
  payloadTooLarge: {
    type: '/problems/payload-too-large',
    title: 'Payload Too Large',
    status: 413,
    description: 'The body is larger than the API accepts (64 KiB).',
  },
  unsupportedMediaType: {
    type: '/problems/unsupported-media-type',
    title: 'Unsupported Media Type',
    status: 415,
    description: 'Send the body as `application/json` (or `application/merge-patch+json` on PATCH).',
  },
  idempotencyKeyReused: {
    type: '/problems/idempotency-key-reused',
    title: 'Idempotency key reused',
    status: 422,
    description: 'This `Idempotency-Key` was already used with a different request: use a new key for a new request.',
  },
  tooManyRequests: {
    type: '/problems/too-many-requests',
    title: 'Too Many Requests',
    status: 429,
    description:
      'The stage\'s request limit for this route was reached (every route has one; the writing ones a tighter one): nothing was done; retry after `Retry-After` seconds. A deployed stage\'s API Gateway answers this one itself, as `{"message":"Too Many Requests"}` without `Retry-After`: branch on the status.',
  },
  serviceUnavailable: {
    type: '/problems/service-unavailable',
    title: 'Service Unavailable',
    status: 503,
    description: 'A transient failure (throttling, a timeout): nothing was written; retry after `Retry-After` seconds.',
  },
  internal: {
    type: '/problems/internal-error',
    title: 'Internal Server Error',
    status: 500,
    description: 'An unexpected failure on our side; the body never carries its details.',
  },
} as const satisfies Record<string, ProblemTypeDefinition>;

export type ProblemKind = keyof typeof PROBLEM_TYPES;
