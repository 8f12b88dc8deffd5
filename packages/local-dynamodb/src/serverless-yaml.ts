// Reads a Serverless Framework file well enough to take its DynamoDB table resources.
// This is NOT a Serverless variable engine: it knows just enough to read the table
// resource (self:, opt:stage/region, sls:stage, env:, quoted literals and fallbacks).
// Anything else (cf:, ssm:, file(...), aws:...) is left as the original string.
import { parse } from 'yaml';
import type { CollectionTag, ScalarTag } from 'yaml';

/** Values that decide how `${opt:...}`, `${sls:...}` and `${env:...}` resolve. */
export interface VariableContext {
  stage: string;
  region?: string;
  env?: Record<string, string | undefined>;
}

// CloudFormation short forms (`!Ref X`, `!GetAtt A.B`, `!If [...]`) become the long
// JSON forms so the YAML parses; we never evaluate them.
const CFN_FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'Ref',
  'Condition',
] as const;

function longForm(name: string, value: unknown): Record<string, unknown> {
  if (name === 'Ref' || name === 'Condition') return { [name]: value };
  // `!GetAtt Table.Arn` is the only short form whose scalar means a list.
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}

const cfnTags: (ScalarTag | CollectionTag)[] = CFN_FUNCTIONS.flatMap((name) => {
  const tag = `!${name}`;
  return [
    { tag, resolve: (value: string) => longForm(name, value) } satisfies ScalarTag,
    { tag, collection: 'seq', resolve: (seq) => longForm(name, seq.toJSON()) } satisfies CollectionTag,
    { tag, collection: 'map', resolve: (map) => longForm(name, map.toJSON()) } satisfies CollectionTag,
  ];
});

/** Parses serverless.yml text, turning CloudFormation short tags into plain objects. */
export function parseServerlessYaml(text: string): Record<string, unknown> {
  const doc: unknown = parse(text, { customTags: cfnTags });
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('serverless.yml: expected a mapping at the top level');
  return doc as Record<string, unknown>;
}

const UNRESOLVED = Symbol('unresolved');
const MAX_DEPTH = 20;

function lookup(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const part of path.split('.').filter(Boolean)) {
    if (!node || typeof node !== 'object' || !(part in node)) return UNRESOLVED;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Splits `a, 'b, c', d` on the commas outside quotes. */
function splitSources(expression: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote = '';
  for (const char of expression) {
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === ',') {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current.trim());
  return parts;
}

function resolveSource(source: string, doc: unknown, ctx: VariableContext, depth: number): unknown {
  const quoted = /^(['"])(.*)\1$/s.exec(source);
  if (quoted) return quoted[2];
  if (/^-?\d+(\.\d+)?$/.test(source)) return Number(source);
  if (source === 'true' || source === 'false') return source === 'true';
  const colon = source.indexOf(':');
  const kind = colon < 0 ? '' : source.slice(0, colon);
  const address = source.slice(colon + 1).trim();
  let value: unknown = UNRESOLVED;
  if (kind === 'self') value = lookup(doc, address);
  else if ((kind === 'opt' || kind === 'sls') && address === 'stage') value = ctx.stage;
  else if (kind === 'opt' && address === 'region') value = ctx.region ?? UNRESOLVED;
  else if (kind === 'env') value = (ctx.env ?? process.env)[address] ?? UNRESOLVED;
  // A `self:` value may itself hold variables (`stage: ${opt:stage, 'dev'}`).
  return value === UNRESOLVED ? UNRESOLVED : resolveDeep(value, doc, ctx, depth + 1, true);
}

function resolveString(text: string, doc: unknown, ctx: VariableContext, depth: number, strict: boolean): unknown {
  let current: unknown = text;
  // Innermost first, so `${self:a.${self:b}}` works.
  while (typeof current === 'string' && current.includes('${')) {
    const start = current.lastIndexOf('${');
    const end = current.indexOf('}', start);
    if (end < 0) break;
    let value: unknown = UNRESOLVED;
    for (const source of splitSources(current.slice(start + 2, end))) {
      value = resolveSource(source, doc, ctx, depth);
      if (value !== UNRESOLVED && value !== undefined && value !== null) break;
      value = UNRESOLVED;
    }
    if (value === UNRESOLVED) {
      if (strict) return UNRESOLVED;
      return text;
    }
    // A variable that is the whole string keeps its type (boolean, object...).
    current = start === 0 && end === current.length - 1 ? value : current.slice(0, start) + String(value) + current.slice(end + 1);
  }
  return current;
}

function resolveDeep(value: unknown, doc: unknown, ctx: VariableContext, depth: number, strict: boolean): unknown {
  if (depth > MAX_DEPTH) throw new Error('serverless.yml: variables nest too deeply (a cycle?)');
  if (typeof value === 'string') return resolveString(value, doc, ctx, depth, strict);
  if (Array.isArray(value)) return value.map((item) => resolveDeep(item, doc, ctx, depth, false));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveDeep(item, doc, ctx, depth, false)]));
  }
  return value;
}

/**
 * Resolves the Serverless variables in `value` against the parsed file `doc`.
 * Strings holding a variable it cannot resolve are returned unchanged.
 */
export function resolveVariables(value: unknown, doc: unknown, ctx: VariableContext): unknown {
  return resolveDeep(value, doc, ctx, 0, false);
}
