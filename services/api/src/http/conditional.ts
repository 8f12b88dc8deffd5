// Conditional requests as RFC 9110 specifies them (sections 13.1.1, 13.1.2, 13.2.2, 8.8.3):
// If-Match and If-None-Match take `*` or a list of entity tags; If-Match compares strongly,
// If-None-Match weakly; any well-formed tag is compared (one the API never issued just does
// not match), and only a malformed value is a 400. A read evaluates them against the item it
// read; a write hands them to the data layer as versions, so that the write itself checks them
// (one conditional request: no other writer can slip in between a check and the write).
//
// Written here rather than taken from `fresh` or `etag` (jshttp): those serve caches of GETs
// (If-None-Match only, lenient about malformed lists, no If-Match and no write conditions).
import { CACHE_CONTROL_REVALIDATE, CONDITIONAL_HEADER_MAX_LENGTH, ENTITY_TAG_LIST_PATTERN } from '@app/schema';
import type { WriteOptions } from '@app/data';
import { HttpProblem } from './problem.js';
import { empty, json, type HttpResponse } from './response.js';

/** Entity tags are the item's version: strong, since a version names exactly one representation. */
export const etagOf = (resource: { version: number }) => `"${resource.version}"`;

interface EntityTag {
  weak: boolean;
  opaque: string;
}
/** `*`, or the listed tags (possibly none: an empty list is well-formed and matches nothing). */
type Condition = '*' | readonly EntityTag[];

export interface Preconditions {
  ifMatch?: Condition;
  ifNoneMatch?: Condition;
}

const LIST = new RegExp(ENTITY_TAG_LIST_PATTERN, 'u');
const TAG = /(W\/)?"([^"]*)"/g;

function parse(name: 'if-match' | 'if-none-match', value: string | undefined): Condition | undefined {
  if (value === undefined) return undefined;
  if (value.length > CONDITIONAL_HEADER_MAX_LENGTH || !LIST.test(value)) {
    throw new HttpProblem('badRequest', `${name === 'if-match' ? 'If-Match' : 'If-None-Match'} is not a valid condition.`, {
      errors: [
        {
          pointer: `/headers/${name}`,
          message: `must be * or a list of entity tags such as "3", W/"3" (at most ${CONDITIONAL_HEADER_MAX_LENGTH} characters)`,
        },
      ],
    });
  }
  if (value.trim() === '*') return '*';
  return [...value.matchAll(TAG)].map(([, weak, opaque]) => ({ weak: weak !== undefined, opaque: opaque! }));
}

/** The request's If-Match and If-None-Match, parsed; a malformed one is a 400 problem. */
export function preconditionsOf(headers: Record<string, string | undefined>): Preconditions {
  return { ifMatch: parse('if-match', headers['if-match']), ifNoneMatch: parse('if-none-match', headers['if-none-match']) };
}

/** The version an opaque tag names, when it is one the API could have issued ("7", not "07" or "x"). */
const versionOf = (opaque: string): number | undefined => (/^[1-9][0-9]{0,14}$/.test(opaque) ? Number(opaque) : undefined);
const versionsOf = (tags: readonly EntityTag[]) => [
  ...new Set(tags.map((tag) => versionOf(tag.opaque)).filter((version) => version !== undefined)),
];

/**
 * A GET of one resource: 412 when If-Match fails, 304 (the ETag and Cache-Control a 200 would
 * carry, no body and no Content-Type: RFC 9110 15.4.5) when If-None-Match fails, else 200.
 * A private cache may keep the representation, and must revalidate it before each use.
 */
export function conditionalGet(resource: { version: number }, preconditions: Preconditions): HttpResponse {
  const current = String(resource.version);
  const headers = { etag: etagOf(resource), 'cache-control': CACHE_CONTROL_REVALIDATE };
  const { ifMatch, ifNoneMatch } = preconditions;
  // Step 1 of section 13.2.2: If-Match, strong comparison (our tags are all strong).
  if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.some((tag) => !tag.weak && tag.opaque === current)) {
    throw new HttpProblem('preconditionFailed', 'The resource is not at any of the entity tags in If-Match.');
  }
  // Step 3: If-None-Match, weak comparison; false on a GET is a 304.
  if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.some((tag) => tag.opaque === current))) {
    return empty(304, headers);
  }
  return json(200, resource, headers);
}

/**
 * A PATCH or DELETE: the same conditions as the versions the write must (If-Match) or must
 * not (If-None-Match) find. `If-Match: *` only asks that the item exist, which every write
 * checks anyway; `If-None-Match: *` asks that it not exist, which no write of an existing
 * item can meet (412; a missing one is still a 404, RFC 9110 13.2.1).
 */
export function writeConditionOf({ ifMatch, ifNoneMatch }: Preconditions): WriteOptions {
  const options: { versionIn?: number[]; versionNotIn?: number[] } = {};
  if (ifMatch !== undefined && ifMatch !== '*') options.versionIn = versionsOf(ifMatch.filter((tag) => !tag.weak));
  if (ifNoneMatch === '*') options.versionIn = [];
  else if (ifNoneMatch !== undefined) options.versionNotIn = versionsOf(ifNoneMatch);
  return options;
}
