// What the templates of a resource are filled with, computed from its spec: identifiers, paths,
// each field's JSON Schema (as source text) and the values the generated tests send.
import type { FieldSpec, FieldType, ResourceSpec } from './spec.ts';

const capitalize = (word: string) => word[0]!.toUpperCase() + word.slice(1);
/** A value as TypeScript source, strings single-quoted (the repository's Prettier style). */
const literal = (value: unknown): string =>
  typeof value === 'string' ? `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'` : JSON.stringify(value);

/** Each type's JSON Schema, as source text of the generated module (properties.ts has NON_BLANK_PATTERN). */
const SCHEMA: Record<FieldType, (field: FieldSpec) => string> = {
  // Short text; blank is refused rather than trimmed (the server never rewrites client data).
  string: () => `{ type: 'string', minLength: 1, maxLength: 200, pattern: NON_BLANK_PATTERN }`,
  // Bounded so that every accepted value fits a DynamoDB number (38 digits, exponent up to 125).
  number: () => `{ type: 'number', minimum: -1e15, maximum: 1e15 }`,
  integer: () => `{ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }`,
  boolean: () => `{ type: 'boolean' }`,
  date: () => `{ type: 'string', format: 'date', maxLength: 10, description: 'Calendar date, YYYY-MM-DD.' }`,
  datetime: () => `{ type: 'string', format: 'date-time', maxLength: 64 }`,
  enum: (field) => `{ type: 'string', enum: [${field.values!.map(literal).join(', ')}] }`,
};

/** Two valid values (to create with, to change to) and an invalid one, per type. */
function samples(field: FieldSpec): { first: unknown; second: unknown; invalid: unknown } {
  switch (field.type) {
    case 'string':
      return { first: `First ${field.name}`, second: `Second ${field.name}`, invalid: 42 };
    case 'number':
      return { first: 1.5, second: 2.5, invalid: 'not a number' };
    case 'integer':
      return { first: 3, second: 4, invalid: 1.5 };
    case 'boolean':
      return { first: true, second: false, invalid: 'yes' };
    case 'date':
      return { first: '2026-03-01', second: '2026-03-02', invalid: '2026-02-30' };
    case 'datetime':
      return { first: '2026-03-01T10:00:00.000Z', second: '2026-03-02T10:00:00.000Z', invalid: 'yesterday' };
    case 'enum':
      return { first: field.values![0], second: field.values![1] ?? field.values![0], invalid: `not-${field.values!.join('-')}` };
  }
}

export interface FieldModel {
  name: string;
  required: boolean;
  /** The JSON Schema of the field (create and representation). */
  schema: string;
  /** In an update: the same, with null allowed (it removes an optional field). */
  updateSchema: string;
  first: string;
  second: string;
  invalid: string;
}

export interface ResourceModel {
  plural: string;
  singular: string;
  /** `Label`: types, schema ids, class names. */
  Singular: string;
  /** `LABEL`: the sort key's label. */
  KEY_LABEL: string;
  /** `LABEL_ROUTES`, `LABEL_READ_ONLY_FIELDS`. */
  CONSTANT: string;
  Plural: string;
  idParam: string;
  parent?: { plural: string; singular: string; Singular: string; idParam: string };
  /** A create body of the parent, for the tests (a project's: a name). */
  parentBody?: string;
  /** `/projects/{projectId}/labels`. */
  collectionPath: string;
  /** `/projects/{projectId}/labels/{labelId}`. */
  itemPath: string;
  /** The path parameters of the collection, as a TypeScript list (`'projectId'` or nothing). */
  collectionParams: string;
  itemParams: string;
  fields: FieldModel[];
  requiredFields: string;
  /** The attribute an activity entry is titled with: the first required text field, if any. */
  titleField?: string;
  /** A field that may be removed (optional), for the merge-patch tests. */
  removableField?: FieldModel;
  /** The field the tests' patch changes. */
  firstField: string;
  /** The create body the tests send (every field), and the patch (the first field changed). */
  createBody: string;
  patchBody: string;
  /** Where the create body is invalid: each field a wrong value, and a required one missing. */
  invalidBody: string;
  invalidPointers: string;
  /** What the OpenAPI reference says a collection is. */
  tagDescription: string;
  /** What the schema module imports from properties.ts. */
  propertyImports: string;
}

export function resourceModel(spec: ResourceSpec): ResourceModel {
  const parent = spec.parent && {
    plural: spec.parent.plural,
    singular: spec.parent.singular,
    Singular: capitalize(spec.parent.singular),
    idParam: `${spec.parent.singular}Id`,
  };
  const idParam = `${spec.singular}Id`;
  const base = parent ? `/${parent.plural}/{${parent.idParam}}/${spec.plural}` : `/${spec.plural}`;
  const fields = spec.fields.map((field): FieldModel => {
    const schema = SCHEMA[field.type](field);
    const nullable = field.type === 'enum' ? `, enum: [...fields.${field.name}.enum, null]` : '';
    const { first, second, invalid } = samples(field);
    return {
      name: field.name,
      required: field.required,
      schema,
      updateSchema: field.required ? `fields.${field.name}` : `{ ...fields.${field.name}, type: ['${typeOf(field)}', 'null']${nullable} }`,
      first: literal(first),
      second: literal(second),
      invalid: literal(invalid),
    };
  });
  const required = spec.fields.filter((field) => field.required);
  const missing = required[0];
  const invalid = Object.fromEntries(spec.fields.filter((field) => field !== missing).map((field) => [field.name, samples(field).invalid]));
  return {
    plural: spec.plural,
    singular: spec.singular,
    Singular: capitalize(spec.singular),
    Plural: capitalize(spec.plural),
    KEY_LABEL: spec.singular.toUpperCase(),
    CONSTANT: spec.singular.toUpperCase(),
    idParam,
    parent,
    ...(parent ? { parentBody: `{ name: 'Parent of ${spec.plural}' }` } : {}),
    collectionPath: base,
    itemPath: `${base}/{${idParam}}`,
    collectionParams: parent ? `'${parent.idParam}'` : '',
    itemParams: parent ? `'${parent.idParam}', '${idParam}'` : `'${idParam}'`,
    fields,
    requiredFields: required.map((field) => literal(field.name)).join(', '),
    titleField: required.find((field) => field.type === 'string')?.name,
    removableField: fields.find((field) => !field.required),
    firstField: spec.fields[0]!.name,
    createBody: objectLiteral(spec.fields.map((field) => [field.name, samples(field).first])),
    patchBody: objectLiteral([[spec.fields[0]!.name, samples(spec.fields[0]!).second]]),
    invalidBody: objectLiteral(Object.entries(invalid)),
    invalidPointers: [...spec.fields.map((field) => `/body/${field.name}`)].map(literal).join(', '),
    tagDescription: parent ? `The ${spec.plural} of a ${parent.singular}.` : `Your tenant's ${spec.plural}.`,
    propertyImports: [
      'dateTimeProp',
      'idProp',
      ...(spec.fields.some((field) => field.type === 'string') ? ['NON_BLANK_PATTERN'] : []),
      'readOnlyFields',
      'versionProp',
    ].join(', '),
  };
}

/** The JSON type of a field's values. */
function typeOf(field: FieldSpec): string {
  return { number: 'number', integer: 'integer', boolean: 'boolean' }[field.type as string] ?? 'string';
}

function objectLiteral(entries: [string, unknown][]): string {
  return `{ ${entries.map(([name, value]) => `${name}: ${literal(value)}`).join(', ')} }`;
}
