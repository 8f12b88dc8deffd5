// Typed wrappers around the build-time validators, mapping ajv errors to client-facing issues
// whose pointers (RFC 6901) address the whole request document `{ body, query }`.
// Nothing here runs at import: every export is a function or a constant, and each validator is
// its own generated module, so a bundle keeps only the validators its functions call.
import type { ErrorObject } from 'ajv';
import { ListQuery as ListQueryValidator } from './generated/validators/ListQuery.js';
import { Problem as ProblemValidator } from './generated/validators/Problem.js';
import { Project as ProjectValidator } from './generated/validators/Project.js';
import { ProjectCreate as ProjectCreateValidator } from './generated/validators/ProjectCreate.js';
import { ProjectListQuery as ProjectListQueryValidator } from './generated/validators/ProjectListQuery.js';
import { ProjectUpdate as ProjectUpdateValidator } from './generated/validators/ProjectUpdate.js';
import { Task as TaskValidator } from './generated/validators/Task.js';
import { TaskCreate as TaskCreateValidator } from './generated/validators/TaskCreate.js';
import { TaskUpdate as TaskUpdateValidator } from './generated/validators/TaskUpdate.js';
// new:resource: validator imports
import { CURSOR_PATTERN, LIMIT_PATTERN, NON_BLANK_PATTERN } from './properties.js';
import { PROJECT_READ_ONLY_FIELDS, type Project, type ProjectCreate, type ProjectUpdate } from './resources/projects.js';
import { TASK_READ_ONLY_FIELDS, type Task, type TaskCreate, type TaskStatus, type TaskUpdate } from './resources/tasks.js';
import { ListQuerySchema } from './schemas.js';
import type { ListQuery, Problem } from './types.js';

export type ValidationIssue = { pointer: string; message: string };
export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ValidationIssue[] };
export type RequestLocation = 'body' | 'query';
export type ListParams = { limit: number; cursor?: string; status?: TaskStatus };

/** A standalone ajv validator, as scripts/generate-validators.ts declares each one. */
interface StandaloneValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export const DEFAULT_LIST_LIMIT = Number(ListQuerySchema.properties.limit.default);

// ajv would quote the regular expression; say what it means instead.
const PATTERN_MESSAGES: Record<string, string> = {
  [NON_BLANK_PATTERN]: 'must contain a non-whitespace character',
  [LIMIT_PATTERN]: 'must be an integer from 1 to 100',
  [CURSOR_PATTERN]: 'must be a cursor returned by a previous page',
};

/** Property names longer than this are not echoed in pointers. */
export const MAX_NAME_IN_POINTER = 200;

/** Escapes one reference token of a JSON Pointer (RFC 6901 section 3). */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Maps ajv errors to issues under `/<location>`. `readOnlyFields` are the server-managed fields
 * of the resource, so that trying to set one gets a more helpful message than "unknown".
 * Messages never echo the offending value. Sorted by pointer (stably), without duplicates.
 */
export function toValidationIssues(
  errors: readonly ErrorObject[],
  location: RequestLocation,
  readOnlyFields: readonly string[] = [],
): ValidationIssue[] {
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const error of errors) {
    const issue = toIssue(error, `/${location}${error.instancePath}`, readOnlyFields);
    const key = `${issue.pointer}\n${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

function toIssue(error: ErrorObject, pointer: string, readOnlyFields: readonly string[]): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { pointer: `${pointer}/${escapePointerToken(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      // A pointer must stay short (problem documents cap it): a huge name is reported at its object.
      if (property.length > MAX_NAME_IN_POINTER) {
        return { pointer, message: `has an unrecognised property with a name over ${MAX_NAME_IN_POINTER} characters` };
      }
      // Only top-level fields belong to the resource; nested objects have no read-only fields.
      const readOnly = error.instancePath === '' && readOnlyFields.includes(property);
      return {
        pointer: `${pointer}/${escapePointerToken(property)}`,
        message: readOnly ? 'is read-only and cannot be set' : 'is not a recognised property',
      };
    }
    case 'enum':
      return { pointer, message: `must be equal to one of the allowed values: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'pattern':
      return { pointer, message: PATTERN_MESSAGES[String(params.pattern)] ?? 'must match the required pattern' };
    case 'minProperties':
      return {
        pointer,
        message: params.limit === 1 ? 'must have at least one property' : `must have at least ${String(params.limit)} properties`,
      };
    default:
      return { pointer, message: error.message ?? 'is invalid' };
  }
}

function validateBody<T>(validate: StandaloneValidator, input: unknown, readOnlyFields: readonly string[] = []): ValidationResult<T> {
  return validate(input)
    ? { ok: true, value: input as T }
    : { ok: false, errors: toValidationIssues(validate.errors ?? [], 'body', readOnlyFields) };
}

// Request bodies: the input is returned as-is (never copied, defaulted or trimmed). Declared
// functions rather than the results of a factory: a call at the top level is code a bundler keeps.
export function validateProjectCreate(input: unknown): ValidationResult<ProjectCreate> {
  return validateBody(ProjectCreateValidator, input, PROJECT_READ_ONLY_FIELDS);
}
export function validateProjectUpdate(input: unknown): ValidationResult<ProjectUpdate> {
  return validateBody(ProjectUpdateValidator, input, PROJECT_READ_ONLY_FIELDS);
}
export function validateTaskCreate(input: unknown): ValidationResult<TaskCreate> {
  return validateBody(TaskCreateValidator, input, TASK_READ_ONLY_FIELDS);
}
export function validateTaskUpdate(input: unknown): ValidationResult<TaskUpdate> {
  return validateBody(TaskUpdateValidator, input, TASK_READ_ONLY_FIELDS);
}
// Response bodies, for contract tests.
export function validateProject(input: unknown): ValidationResult<Project> {
  return validateBody(ProjectValidator, input);
}
export function validateTask(input: unknown): ValidationResult<Task> {
  return validateBody(TaskValidator, input);
}
export function validateProblem(input: unknown): ValidationResult<Problem> {
  return validateBody(ProblemValidator, input);
}
// new:resource: validators

/**
 * Validates and parses a list route's query string (API Gateway passes `null` when there is
 * none). `status` is only a recognised parameter where `allowStatus` is set (task lists).
 */
export function parseListQuery(
  query: Readonly<Record<string, string | undefined>> | null | undefined,
  options: { allowStatus: boolean },
): ValidationResult<ListParams> {
  // Absent values are not parameters; Object.fromEntries defines `__proto__` as a plain key.
  const present = Object.fromEntries(Object.entries(query ?? {}).filter(([, value]) => value !== undefined));
  const validate = options.allowStatus ? ListQueryValidator : ProjectListQueryValidator;
  if (!validate(present)) return { ok: false, errors: toValidationIssues(validate.errors ?? [], 'query') };
  const { limit, cursor, status } = present as ListQuery;
  const value: ListParams = { limit: limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit) };
  if (cursor !== undefined) value.cursor = cursor;
  if (status !== undefined) value.status = status;
  return { ok: true, value };
}
