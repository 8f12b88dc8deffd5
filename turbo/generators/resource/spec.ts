// The arguments of `npm run new:resource`, checked and read into a ResourceSpec: what the
// generator writes is a function of this value alone. Every refusal is a GeneratorError
// whose message says what was wrong and what is accepted.

/** The types a field may have (`enum(a|b|c)` is an enum of those values). */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'datetime', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldSpec {
  name: string;
  type: FieldType;
  /** The values of an enum. */
  values?: string[];
  /** Required on create (and always present); otherwise optional, and removable with null. */
  required: boolean;
}

export interface ResourceSpec {
  /** The path segment and collection: `labels`. */
  plural: string;
  /** The entity: `label` (its id is `labelId`, its activity types `label.*`). */
  singular: string;
  /** The resource whose items it belongs to (in whose partition it lives), if any. */
  parent?: { plural: string; singular: string };
  fields: FieldSpec[];
}

/** A refused argument: the message is for the person who typed it. */
export class GeneratorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GeneratorError';
  }
}

/** Without --fields: one required name. */
export const DEFAULT_FIELDS = 'name:string!';

/**
 * At most this many fields: an activity entry reports at most 10 changed fields
 * (ActivityEntry.changes, maxProperties), and a PATCH may change every field.
 */
export const MAX_FIELDS = 10;

const PLURAL = /^[a-z]{2,29}s$/;
const SINGULAR = /^[a-z]{2,30}$/;
const FIELD_NAME = /^[a-z][a-zA-Z0-9]{0,39}$/;
const ENUM_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;

/**
 * The singular of a plural noun, by the common English rules: categories -> category,
 * statuses -> status, boxes -> box, matches -> match, labels -> label, cases -> case. Give
 * --singular where these guess wrong (aliases -> alias, people).
 */
export function singularOf(plural: string): string {
  if (/[^aeiou]ies$/.test(plural)) return `${plural.slice(0, -3)}y`;
  if (/(?:ss|us|x|z|ch|sh)es$/.test(plural)) return plural.slice(0, -2);
  return plural.slice(0, -1);
}

export function parseName(name: string | undefined, singular?: string): { plural: string; singular: string } {
  if (!name) throw new GeneratorError('Name the resource: a plural lower-case noun, such as labels.');
  if (!PLURAL.test(name) || name.endsWith('ss')) {
    throw new GeneratorError(`"${name}" is not a plural lower-case noun: use 3 to 30 letters a-z ending in s, such as labels.`);
  }
  const single = singular ?? singularOf(name);
  if (!SINGULAR.test(single) || single === name) {
    throw new GeneratorError(`"${single}" is not the singular of "${name}": give --singular, 2 to 30 letters a-z.`);
  }
  return { plural: name, singular: single };
}

function parseType(text: string, where: string): Pick<FieldSpec, 'type' | 'values'> {
  const enumMatch = /^enum\((.*)\)$/.exec(text);
  if (enumMatch) {
    const values = enumMatch[1]!.split('|').map((value) => value.trim());
    const bad = values.find((value) => !ENUM_VALUE.test(value));
    if (bad !== undefined) {
      throw new GeneratorError(`${where}: enum value "${bad}" is not allowed: use letters, digits and _ . - (up to 50), separated by |.`);
    }
    if (new Set(values).size !== values.length) throw new GeneratorError(`${where}: an enum value is listed twice.`);
    if (values.length > 50) throw new GeneratorError(`${where}: an enum has at most 50 values.`);
    return { type: 'enum', values };
  }
  if (!(FIELD_TYPES as readonly string[]).includes(text) || text === 'enum') {
    throw new GeneratorError(`${where}: unknown type "${text}": use string, number, integer, boolean, date, datetime or enum(a|b|c).`);
  }
  return { type: text as FieldType };
}

/**
 * `--fields "name:string!,color:string,priority:enum(low|high)"`: comma-separated `name:type`,
 * `!` after the type for a required field. `reserved` are the names the server manages.
 */
export function parseFields(spec: string, reserved: readonly string[]): FieldSpec[] {
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === '') throw new GeneratorError('--fields is empty: give name:type pairs, such as "name:string!".');
  if (parts.length > MAX_FIELDS) {
    throw new GeneratorError(
      `--fields lists ${parts.length} fields; at most ${MAX_FIELDS} (an activity entry reports at most 10 changes).`,
    );
  }
  const fields: FieldSpec[] = [];
  parts.forEach((part, index) => {
    const where = `--fields, field ${index + 1} ("${part}")`;
    const match = /^([^:\s]+)\s*:\s*(.+?)(!?)$/.exec(part);
    if (!match) throw new GeneratorError(`${where}: write name:type, with ! after the type if it is required.`);
    const [, name, typeText, bang] = match as unknown as [string, string, string, string];
    if (!FIELD_NAME.test(name) || name in Object.prototype) {
      throw new GeneratorError(`${where}: "${name}" is not a field name: start with a-z, then letters and digits (camelCase), up to 40.`);
    }
    if (reserved.includes(name)) throw new GeneratorError(`${where}: "${name}" is managed by the server; choose another name.`);
    if (fields.some((field) => field.name === name)) throw new GeneratorError(`${where}: "${name}" is listed twice.`);
    fields.push({ name, ...parseType(typeText.trim(), where), required: bang === '!' });
  });
  return fields;
}
