import { HttpProblem } from './problem.js';

/**
 * Entity tags are the item's version: strong, since a version names exactly one
 * representation of the resource.
 */
export const etagOf = (resource: { version: number }) => `"${resource.version}"`;

const ENTITY_TAG = /^(W\/)?"(\d{1,15})"$/;

/**
 * If-None-Match on a GET: true when the client's copy is current (answer 304).
 * Weak comparison, as RFC 9110 requires for If-None-Match.
 */
export function notModified(ifNoneMatch: string | undefined, resource: { version: number }): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().match(ENTITY_TAG)?.[2] === String(resource.version));
}

/**
 * If-Match on a write: the version the client expects, or undefined when the header is
 * absent or `*` (the write then only needs the item to exist). A weak tag never matches
 * strongly, so it can only fail: it answers 412, as RFC 9110 says.
 */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.length !== 1 || !ENTITY_TAG.test(tags[0] ?? '')) {
    throw new HttpProblem('badRequest', 'If-Match must be a single entity tag, as returned in ETag, or *.', {
      errors: [{ pointer: '/headers/if-match', message: 'must be one quoted entity tag such as "3", or *' }],
    });
  }
  const [, weak, version] = tags[0]!.match(ENTITY_TAG)!;
  return weak ? 0 : Number(version);
}
