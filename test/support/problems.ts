// The error replies of the API: problem+json (RFC 9457) that tells the caller what went wrong
// and nothing of how the server is built.
import { keyPrefix, projectEntity } from '@app/data';
import { expect } from '@jest/globals';
import type { HttpReply } from '@app/testing';

/** What no reply may show: stack frames, exception names, the database, the key layout, the framework. */
export const INTERNALS = new RegExp(
  [
    String.raw`Exception|DynamoDB|dynalite|node_modules|\.m?[jt]s:\d+|\n\s+at |Serverless-offline|stack|hapi`,
    // The key layout: the labels every partition key starts with (from the declarations).
    keyPrefix(projectEntity.keys.pk),
  ].join('|'),
  'i',
);

/** `reply` is a problem+json error of `status` (and `type`, when given) that shows none of the INTERNALS. */
export function expectProblem(reply: HttpReply, status: number, type?: string): void {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ type: type ?? expect.any(String), status, title: expect.any(String), detail: expect.any(String) });
  expect(JSON.stringify(reply.body)).not.toMatch(INTERNALS);
}
