// Checks HTTP responses against the OpenAPI document generated from packages/schema: the
// status must be one the operation documents, its required headers present and valid, its
// media type declared and its body valid against the declared schema. Responses on paths the
// document does not have (the catch-all route) must be valid problem+json errors.
import { readFileSync } from 'node:fs';
import { matchRoute } from '@app/schema';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ROOT_DIR } from './stack.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- an OpenAPI document

export const OPENAPI_PATH = `${ROOT_DIR}packages/schema/src/generated/openapi.json`;
export const openApiDocument = JSON.parse(readFileSync(OPENAPI_PATH, 'utf8')) as Json;

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApiDocument, 'openapi');

const escape = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const resolve = (node: Json): Json => (node.$ref ? resolve(pointer(node.$ref)) : node);
function pointer(ref: string): Json {
  return ref
    .slice(2)
    .split('/')
    .reduce((node: Json, token) => node[token.replaceAll('~1', '/').replaceAll('~0', '~')], openApiDocument);
}
function validate(schemaPointer: string, value: unknown): string[] {
  const check = ajv.getSchema(`openapi#${schemaPointer}`)!;
  return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

// By schema, not by header name: one header (Cache-Control) has a schema per kind of response.
const headerValidators = new Map<string, ReturnType<typeof ajv.compile>>();
const headerValidator = (schema: Json) => {
  const key = JSON.stringify(schema);
  if (!headerValidators.has(key)) headerValidators.set(key, ajv.compile(schema));
  return headerValidators.get(key)!;
};

/**
 * Origins of stacks started from another repository (a copy of this one with a generated
 * resource, say): their responses follow that repository's document, not this one's, and are
 * not checked here (the copy's own suites check them against its document).
 */
export const otherRepositoryOrigins = new Set<string>();

export interface ObservedResponse {
  method: string;
  /** The request path, without the query string. */
  path: string;
  status: number;
  headers: Headers;
  body: string;
}

/** Every way the response departs from the document; empty when it conforms. */
export function contractViolations(response: ObservedResponse): string[] {
  const { method, path, status, headers, body } = response;
  if (path === '/.well-known/jwks.json' || method === 'OPTIONS') return [];
  const route = matchRoute(method, path);
  const problems: string[] = [];
  const mediaType = (headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!route) {
    if (status < 400) return [`${method} ${path}: ${status} on a path the document does not have`];
    if (mediaType !== 'application/problem+json') problems.push(`content-type ${mediaType}, not application/problem+json`);
    else problems.push(...validate('/components/schemas/Problem', JSON.parse(body)));
    return problems.map((p) => `${method} ${path} ${status}: ${p}`);
  }
  const operationPointer = `/paths/${escape(route.path)}/${route.method}`;
  const documented = pointer(`#${operationPointer}`).responses[String(status)] as Json | undefined;
  if (!documented) return [`${method} ${route.path}: status ${status} is not documented`];
  const responsePointer = `${operationPointer}/responses/${status}`;
  for (const [name, declared] of Object.entries((documented.headers ?? {}) as Json)) {
    const header = resolve(declared as Json);
    const value = headers.get(name);
    if (value === null) {
      if (header.required) problems.push(`missing header ${name}`);
      continue;
    }
    const check = headerValidator(header.schema as Json);
    if (!check(value)) problems.push(`header ${name}: ${JSON.stringify(value)} ${check.errors?.[0]?.message}`);
  }
  const content = documented.content as Json | undefined;
  if (!content) {
    if (body !== '' && method !== 'HEAD') problems.push('a body where the document declares none');
    // A 204 or 304 has no content, so nothing to type (RFC 9110 8.3, 15.4.5).
    if (mediaType) problems.push(`content-type ${mediaType} where the document declares no content`);
  } else if (!(mediaType in content)) {
    problems.push(`content-type ${mediaType || '(none)'} is not one of ${Object.keys(content).join(', ')}`);
  } else if (/json$/.test(mediaType)) {
    problems.push(...validate(`${responsePointer}/content/${escape(mediaType)}/schema`, JSON.parse(body)));
  }
  return problems.map((p) => `${method} ${route.path} ${status}: ${p}`);
}
