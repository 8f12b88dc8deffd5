// What this API's suites share on top of @app/testing: the shape of its error responses, a
// tenant of a test's own, and an id that no resource has.
import type { ApiReply } from '@app/testing';
import { expect } from '@jest/globals';

/** A well-formed id (UUIDv7) that names nothing. */
export const UNKNOWN_ID = '01890000-0000-7000-8000-000000000000';

let tenantCount = 0;
/** The claims of a tenant no other test uses, so that whatever a test counts is its own. */
export const freshTenant = () => ({ sub: 'user-1', tenant: `test-${++tenantCount}-${Date.now()}` });

/** An RFC 9457 problem of `type`, answered with `status`. */
export function expectProblem(reply: ApiReply, status: number, type: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ type, status, title: expect.any(String), detail: expect.any(String) });
}
