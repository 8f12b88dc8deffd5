import type { EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';

/**
 * Idempotency records of POST requests, written by Powertools' DynamoDB persistence layer,
 * which puts the route and Idempotency-Key hash in the sort key: one partition per tenant,
 * beside (never inside) its resources' partitions, so that one tenant's key can never replay
 * another tenant's response.
 */
export const idempotencyEntity = {
  name: 'idempotency',
  keys: {
    pk: [label('TENANT'), attr('tenantId'), label('IDEMPOTENCY')],
  },
} as const satisfies EntityDeclaration;
