/**
 * RFC 9457 problem details. Every error response of the API is one of these, typed by a
 * stable `type` URI a client can branch on. Only HttpProblem messages reach clients
 * (`expose`); anything else is logged and answered with a bare 500.
 */

export interface ValidationIssue {
  pointer: string;
  message: string;
}

export const PROBLEM_TYPES = {
  badRequest: { type: '/problems/bad-request', title: 'Bad Request', status: 400 },
  validation: { type: '/problems/validation-error', title: 'Your request is not valid', status: 400 },
  invalidCursor: { type: '/problems/invalid-cursor', title: 'Invalid pagination cursor', status: 400 },
  unauthorized: { type: '/problems/unauthorized', title: 'Unauthorized', status: 401 },
  notFound: { type: '/problems/not-found', title: 'Not Found', status: 404 },
  methodNotAllowed: { type: '/problems/method-not-allowed', title: 'Method Not Allowed', status: 405 },
  conflict: { type: '/problems/conflict', title: 'Conflict', status: 409 },
  preconditionFailed: { type: '/problems/precondition-failed', title: 'Precondition Failed', status: 412 },
  payloadTooLarge: { type: '/problems/payload-too-large', title: 'Payload Too Large', status: 413 },
  unsupportedMediaType: { type: '/problems/unsupported-media-type', title: 'Unsupported Media Type', status: 415 },
  serviceUnavailable: { type: '/problems/service-unavailable', title: 'Service Unavailable', status: 503 },
  internal: { type: '/problems/internal-error', title: 'Internal Server Error', status: 500 },
} as const;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

export class HttpProblem extends Error {
  /** Safe to show the client: written by us, never copied from an exception. */
  readonly expose = true;
  readonly status: number;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly extra: { errors?: ValidationIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.status = PROBLEM_TYPES[kind].status;
  }

  toBody(instance?: string) {
    const { type, title, status } = PROBLEM_TYPES[this.kind];
    return {
      type,
      title,
      status,
      detail: this.detail,
      ...(instance ? { instance } : {}),
      ...(this.extra.errors ? { errors: this.extra.errors } : {}),
    };
  }
}

export const validationProblem = (errors: ValidationIssue[]) =>
  new HttpProblem('validation', 'The request has invalid fields: see errors.', { errors });
