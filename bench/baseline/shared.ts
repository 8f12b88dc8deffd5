// What a hand-written handler needs and nothing more: one DocumentClient per process (with the
// same endpoint, region, attempts and timeouts as packages/data, so only the code differs), the
// caller's tenant from the verified claims, the table's keys, and a JSON response. No
// middleware, no validation, no logging: the floor the API's handlers are measured against.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const TABLE = process.env.TABLE_NAME ?? '';

export const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    region: process.env.AWS_REGION || 'us-east-1',
    maxAttempts: 3,
    requestHandler: { requestTimeout: 1_000, connectionTimeout: 500 },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

type Claims = Record<string, string | undefined>;

/** The same tenant id the API derives (src/http/identity.ts), URI-encoded as its keys are. */
export function tenantOf(event: APIGatewayProxyEventV2): string {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer?.jwt?.claims ?? {};
  return encodeURIComponent(claims.tenant ? `tenant:${claims.tenant}` : `user:${claims.sub}`);
}

export const projectKey = (tenant: string, projectId: string) => ({ pk: `TENANT#${tenant}`, sk: `PROJECT#${projectId}` });
export const taskKey = (tenant: string, projectId: string, taskId: string) => ({
  pk: `TENANT#${tenant}#PROJECT#${projectId}`,
  sk: `TASK#${taskId}`,
});

// Since issue 17 a project's task counts are not on its item: they are the sum of two count
// shards (items of their own partitions), and a project has a presence item its tasks check
// (docs/scale.md). The hand-written handlers read and write them as the API does, so that both
// sides do the same database work.
export const presenceKey = (tenant: string, projectId: string) => ({ pk: `TENANT#${tenant}#PROJECT#${projectId}#PRESENCE`, sk: 'PROJECT' });
export const countShardKeys = (tenant: string, projectId: string) =>
  ['0', '1'].map((shard) => ({ pk: `TENANT#${tenant}#PROJECT#${projectId}#COUNTS#${shard}`, sk: 'COUNTS' }));

type Counts = { total: number; open: number; in_progress: number; done: number };
const zeroCounts = (): Counts => ({ total: 0, open: 0, in_progress: 0, done: 0 });

/** Each project's task counts: its shards summed (one BatchGetItem for up to 50 projects). */
export async function taskCountsOf(tenant: string, projectIds: string[]): Promise<Map<string, Counts>> {
  const counts = new Map(projectIds.map((id) => [id, zeroCounts()]));
  if (projectIds.length === 0) return counts;
  const { Responses } = await db.send(
    new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: projectIds.flatMap((id) => countShardKeys(tenant, id)) } } }),
  );
  for (const shard of Responses?.[TABLE] ?? []) {
    const total = counts.get(shard.projectId as string);
    if (total) for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += (shard[key] as number) ?? 0;
  }
  return counts;
}

export const json = (statusCode: number, body?: unknown): APIGatewayProxyStructuredResultV2 =>
  body === undefined ? { statusCode } : { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };

export const notFound = () => json(404, { message: 'not found' });

/** The item without its keys. */
export function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, tenantId: _t, entity: _e, ...rest } = item;
  return rest;
}

export const cursorOf = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null);
