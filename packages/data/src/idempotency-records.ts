import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { idempotencyEntity } from './entities/idempotency.js';
import { ConfigurationError } from './errors.js';
import { composeKey, TABLE_KEY, TABLE_TTL_ATTRIBUTE } from './keys.js';
import type { TableContext } from './table.js';

/**
 * Where the API keeps one tenant's Idempotency-Key records, as the options of Powertools'
 * DynamoDBPersistenceLayer (which writes them): this table, the tenant's record partition
 * (the route and key hash go in the sort key), the table's TTL attribute, and the DynamoDB
 * client under the repositories' document client, so that both share connections, timeouts
 * and retries.
 */
export interface IdempotencyRecordsLocation {
  tableName: string;
  keyAttr: string;
  sortKeyAttr: string;
  expiryAttr: string;
  staticPkValue: string;
  awsSdkV3Client: DynamoDBClient;
}

export function idempotencyRecordsOf(ctx: TableContext, tenantId: string): IdempotencyRecordsLocation {
  if (!ctx.dynamodb) throw new ConfigurationError('idempotency records need the DynamoDB client: pass `dynamodb` with `client`');
  return {
    tableName: ctx.tableName,
    keyAttr: TABLE_KEY.pk,
    sortKeyAttr: TABLE_KEY.sk,
    expiryAttr: TABLE_TTL_ATTRIBUTE,
    staticPkValue: composeKey(idempotencyEntity.keys.pk, { tenantId }),
    awsSdkV3Client: ctx.dynamodb,
  };
}
