// What a hand-written handler needs and nothing more: one DocumentClient per process (with the
// same endpoint, region, attempts and timeouts as packages/data, so only the code differs), the
// caller's tenant from the verified claims, the table's keys, and a JSON response. No
// middleware, no validation, no logging: the floor the API's handlers are measured against.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

export const json = (statusCode: number, body?: unknown): APIGatewayProxyStructuredResultV2 =>
  body === undefined ? { statusCode } : { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };

export const notFound = () => json(404, { message: 'not found' });

/** The item without its keys. */
export function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, tenantId: _t, entity: _e, ...rest } = item;
  return rest;
}

export const cursorOf = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null);
