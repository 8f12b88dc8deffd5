import { PROBLEM_TYPES, type ProblemKind } from '@app/schema';

/**
 * RFC 9457 problem details. Every error response of the API is one of these, typed by a
 * stable `type` URI a client can branch on. Only HttpProblem messages reach clients
 * (`expose`); anything else is logged and answered with a bare 500.
 */

export interface ValidationIssue {
  pointer: string;
  message: string;
}

// The catalogue lives in packages/schema, which the OpenAPI document is generated from.
export { PROBLEM_TYPES, type ProblemKind };

/** At most this many issues are listed: a body of 10,000 unknown fields gets a short answer. */
export const MAX_ISSUES = 20;

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
  new HttpProblem(
    'validation',
    errors.length > MAX_ISSUES
      ? `The request has ${errors.length} invalid fields; the first ${MAX_ISSUES} are listed.`
      : 'The request has invalid fields: see errors.',
    { errors: errors.slice(0, MAX_ISSUES) },
  );
