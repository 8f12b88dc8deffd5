/**
 * The single-table design, declared as data: each entity names the attributes that make
 * up its keys. Nothing else in the package spells a key by hand.
 *
 *   entity    pk                                     sk                                gsi1pk / gsi1sk
 *   project   TENANT#<tenantId>                      PROJECT#<projectId>
 *   cleanup   TENANT#<tenantId>                      CLEANUP#<projectId>
 *   task      TENANT#<tenantId>#PROJECT#<projectId>  TASK#<taskId>                     ...#STATUS#<status> / TASK#<taskId>
 *   activity  TENANT#<tenantId>#PROJECT#<projectId>  ACTIVITY#<occurredAt>#<eventId>
 *   counted   TENANT#<tenantId>#PROJECT#<projectId>  COUNTED#<taskId>
 *   tenant    TENANTS                                TENANT#<tenantId>
 *   idempotency TENANT#<tenantId>#IDEMPOTENCY        <route and key hash>              (Powertools)
 *
 * A tenant's projects are one partition (GET /projects is one Query); a project's tasks and
 * activity are another (GET /projects/{id}/tasks, /activity), so deleting a project means
 * emptying one partition. gsi1 serves the task list filtered by status. Ids are UUIDv7, so
 * sort keys, and therefore lists, follow creation order; activity sorts by commit time.
 */

/** A key is a list of segments: a literal label, or the name of an attribute to put in. */
type Segment<A extends string> = { label: string } | { attr: A };
export type KeyTemplate<A extends string> = readonly Segment<A>[];

export interface EntityDefinition<A extends string> {
  readonly name: string;
  readonly keys: {
    readonly pk: KeyTemplate<A>;
    readonly sk: KeyTemplate<A>;
    readonly gsi1pk?: KeyTemplate<A>;
    readonly gsi1sk?: KeyTemplate<A>;
  };
  /** Attributes a client may change with PATCH; everything else is server-managed. */
  readonly mutable: readonly string[];
}

const label = (l: string) => ({ label: l }) as const;
const attr = <A extends string>(a: A) => ({ attr: a }) as const;

export const projectEntity = {
  name: 'project',
  keys: {
    pk: [label('TENANT'), attr('tenantId')],
    sk: [label('PROJECT'), attr('projectId')],
  },
  mutable: ['name', 'description'],
} as const satisfies EntityDefinition<'tenantId' | 'projectId'>;

export const taskEntity = {
  name: 'task',
  keys: {
    pk: [label('TENANT'), attr('tenantId'), label('PROJECT'), attr('projectId')],
    sk: [label('TASK'), attr('taskId')],
    gsi1pk: [label('TENANT'), attr('tenantId'), label('PROJECT'), attr('projectId'), label('STATUS'), attr('status')],
    gsi1sk: [label('TASK'), attr('taskId')],
  },
  mutable: ['title', 'description', 'status', 'dueDate'],
} as const satisfies EntityDefinition<'tenantId' | 'projectId' | 'taskId' | 'status'>;

/** Written by the stream consumer; the entry's key is derived from the stream record, so a replay writes nothing new. */
export const activityEntity = {
  name: 'activity',
  keys: {
    pk: [label('TENANT'), attr('tenantId'), label('PROJECT'), attr('projectId')],
    sk: [label('ACTIVITY'), attr('occurredAt'), attr('eventId')],
  },
  mutable: [],
} as const satisfies EntityDefinition<'tenantId' | 'projectId' | 'occurredAt' | 'eventId'>;

/** Progress of the asynchronous deletion of a deleted project's partition. */
export const cleanupEntity = {
  name: 'cleanup',
  keys: {
    pk: [label('TENANT'), attr('tenantId')],
    sk: [label('CLEANUP'), attr('projectId')],
  },
  mutable: [],
} as const satisfies EntityDefinition<'tenantId' | 'projectId'>;

/**
 * What the project's counts hold of one task: the status it is counted under, or nothing (a
 * tombstone) once its deletion is counted. The stream consumer writes it in the same
 * transaction as the counts, so the counts are always the sum of these entries, and the
 * recount compares them with the tasks themselves (projections.ts, recount.ts).
 */
export const countedTaskEntity = {
  name: 'counted-task',
  keys: {
    pk: [label('TENANT'), attr('tenantId'), label('PROJECT'), attr('projectId')],
    sk: [label('COUNTED'), attr('taskId')],
  },
  mutable: [],
} as const satisfies EntityDefinition<'tenantId' | 'projectId' | 'taskId'>;

/**
 * The tenants that have had a project, one item each in one partition, written by the stream
 * consumer when a tenant's project is created: every other key starts with the tenant, so
 * without this list a recount of every tenant would need a Scan. One partition is enough: it
 * takes one write per project created (at most 1,000 a second per partition) and one Query
 * per full recount.
 */
export const tenantEntity = {
  name: 'tenant',
  keys: {
    pk: [label('TENANTS')],
    sk: [label('TENANT'), attr('tenantId')],
  },
  mutable: [],
} as const satisfies EntityDefinition<'tenantId'>;

/**
 * Idempotency records of POST requests (written by Powertools' DynamoDB persistence layer,
 * which puts the route and Idempotency-Key hash in the sort key): one partition per tenant,
 * so that one tenant's key can never replay another tenant's response.
 */
export const idempotencyEntity = {
  name: 'idempotency',
  keys: {
    pk: [label('TENANT'), attr('tenantId'), label('IDEMPOTENCY')],
  },
  mutable: [],
} as const;

export const TABLE_INDEXES = {
  byStatus: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
} as const;

type AttrsOf<T> = T extends readonly (infer S)[] ? (S extends { attr: infer A extends string } ? A : never) : never;
export type KeyValues<T extends KeyTemplate<string>> = Record<AttrsOf<T>, string>;

/**
 * Values are URI-encoded before they go in, so a value holding '#' (a tenant id from an
 * identity provider, say) can never fake a segment boundary and reach another partition.
 */
export function composeKey<T extends KeyTemplate<string>>(template: T, values: KeyValues<T>): string {
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
export function keyPrefix(template: KeyTemplate<string>): string {
  const labels: string[] = [];
  for (const segment of template) {
    if (!('label' in segment)) break;
    labels.push(segment.label);
  }
  return `${labels.join('#')}#`;
}
