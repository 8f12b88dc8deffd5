import type { EntityDeclaration } from '../entity.js';
import { attr, label } from '../keys.js';

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
} as const satisfies EntityDeclaration;
