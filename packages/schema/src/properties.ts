// The property definitions the resources' schemas share, and the patterns of the query
// strings. Spread or referenced by each resource's schemas (resources/*.ts) rather than
// `$ref`'d, so that every schema stands alone for FromSchema and ajv.

// Blank names/titles are rejected rather than trimmed: the server never rewrites client data.
export const NON_BLANK_PATTERN = '\\S';
// 1..100 with no sign, spaces, leading zeros, decimals or exponents; it also caps the length at 3.
export const LIMIT_PATTERN = '^(?:[1-9][0-9]?|100)$';
export const CURSOR_PATTERN = '^[A-Za-z0-9_.-]+$';

/** An id the server issues (the resource's own, or its parent's). */
export const idProp = { type: 'string', minLength: 1, maxLength: 128, readOnly: true } as const;
/** A time the server stamps (createdAt, updatedAt). */
export const dateTimeProp = { type: 'string', format: 'date-time', maxLength: 64, readOnly: true } as const;
export const versionProp = {
  type: 'integer',
  minimum: 1,
  readOnly: true,
  description: 'Incremented by the server on every change.',
} as const;
/** A short, non-blank name or title. */
export const nameProp = { type: 'string', minLength: 1, maxLength: 200, pattern: NON_BLANK_PATTERN } as const;
export const descriptionProp = { type: 'string', maxLength: 2000 } as const;
export const countProp = { type: 'integer', minimum: 0 } as const;

type ObjectSchema = { readonly properties: Readonly<Record<string, object>> };
type ReadOnlyKey<S extends ObjectSchema> = {
  [K in keyof S['properties']]: S['properties'][K] extends { readonly readOnly: true } ? K : never;
}[keyof S['properties']] &
  string;

/** Names of the properties a schema marks `readOnly: true` (server-managed), in declaration order. */
export function readOnlyFields<S extends ObjectSchema>(schema: S): readonly ReadOnlyKey<S>[] {
  const keys = Object.entries(schema.properties)
    .filter(([, property]) => (property as { readOnly?: unknown }).readOnly === true)
    .map(([key]) => key);
  return Object.freeze(keys) as readonly ReadOnlyKey<S>[];
}
