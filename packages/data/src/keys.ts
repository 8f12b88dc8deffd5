// The table's keys and indexes, and how a key is composed from an entity's key template
// (entities/*.ts declare one per entity). Nothing else in the package spells a key by hand.

/** The table's primary key attributes (root serverless.yml). */
export const TABLE_KEY = { pk: 'pk', sk: 'sk' } as const;

/** The table's time-to-live attribute (root serverless.yml): DynamoDB deletes an item some time after this epoch second. */
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** The table's global secondary indexes (root serverless.yml), by what they serve. */
export const TABLE_INDEXES = {
  byStatus: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
} as const;

export type IndexName = keyof typeof TABLE_INDEXES;

/** A key is a list of segments: a literal label, or the name of an attribute to put in. */
export type Segment<A extends string = string> = { readonly label: string } | { readonly attr: A };
export type KeyTemplate<A extends string = string> = readonly Segment<A>[];

// Marked as free of side effects: a bundle that never reads a declaration drops it, calls and all.
export const label = /* @__NO_SIDE_EFFECTS__ */ <L extends string>(l: L) => ({ label: l }) as const;
export const attr = /* @__NO_SIDE_EFFECTS__ */ <A extends string>(a: A) => ({ attr: a }) as const;

type AttrsOf<T> = T extends readonly (infer S)[] ? (S extends { attr: infer A extends string } ? A : never) : never;
export type KeyValues<T extends KeyTemplate> = Record<AttrsOf<T>, string>;

/**
 * Values are URI-encoded before they go in, so a value holding '#' (a tenant id from an
 * identity provider, say) can never fake a segment boundary and reach another partition.
 */
export function composeKey<T extends KeyTemplate>(template: T, values: KeyValues<T>): string {
  // A plain loop: this runs for every key of every request (npm run bench, per-request overhead).
  let key = '';
  for (let i = 0; i < template.length; i++) {
    const segment = template[i]!;
    let part: string;
    if ('label' in segment) part = segment.label;
    else {
      const value = (values as Record<string, string | undefined>)[segment.attr];
      if (value === undefined || value === '') throw new TypeError(`key attribute ${segment.attr} is missing`);
      part = encodeURIComponent(value);
    }
    key = i === 0 ? part : `${key}#${part}`;
  }
  return key;
}

/** The constant prefix of a key up to its first attribute, for begins_with conditions. */
export function keyPrefix(template: KeyTemplate): string {
  const labels: string[] = [];
  for (const segment of template) {
    if (!('label' in segment)) break;
    labels.push(segment.label);
  }
  return `${labels.join('#')}#`;
}

/**
 * The key as an IAM `dynamodb:LeadingKeys` pattern: each attribute a `*` (for policies, which
 * serverless.yml states; the infrastructure test compares them with this).
 */
export function keyPattern(template: KeyTemplate): string {
  return template.map((segment) => ('label' in segment ? segment.label : '*')).join('#');
}
