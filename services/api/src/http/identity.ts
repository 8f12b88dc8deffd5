import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpProblem } from './problem.js';

export interface Identity {
  subject: string;
  /** Partition key of everything the caller may see; never taken from the body or path. */
  tenantId: string;
}

/** Claims that API Gateway's JWT authorizer verified and passed on. */
type AuthorizedEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: { jwt?: { claims?: Record<string, unknown> } } };
};

/** Claims become key segments: no lone UTF-16 surrogates (they cannot be encoded) and a sane length. */
const MAX_CLAIM_LENGTH = 256;
const usable = (value: string) => value !== '' && value.length <= MAX_CLAIM_LENGTH && !/\p{Surrogate}/u.test(value);

const unauthorized = (detail: string) =>
  new HttpProblem('unauthorized', detail, { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

/**
 * Who is calling, from the verified claims. The tenant is the configured tenant claim
 * (TENANT_CLAIM) when the token has one; otherwise each user is a tenant of their own.
 * The two are namespaced so that a user id can never equal a tenant name.
 */
export function identityOf(event: APIGatewayProxyEventV2, tenantClaim = process.env.TENANT_CLAIM): Identity {
  const claims = (event as AuthorizedEvent).requestContext.authorizer?.jwt?.claims;
  // Only reachable if a route were deployed without the authorizer: fail closed.
  if (!claims) throw unauthorized('A valid bearer token is required.');
  const subject = claims.sub;
  if (typeof subject !== 'string' || !usable(subject)) throw unauthorized('The token does not name a usable subject.');
  const tenant = tenantClaim ? claims[tenantClaim] : undefined;
  if (typeof tenant === 'string' && tenant !== '' && !usable(tenant)) throw unauthorized('The token names an unusable tenant.');
  const tenantId = typeof tenant === 'string' && tenant !== '' ? `tenant:${tenant}` : `user:${subject}`;
  return { subject, tenantId };
}
