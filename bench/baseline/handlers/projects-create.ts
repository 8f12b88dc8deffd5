import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, presenceKey, projectKey, strip, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const input = JSON.parse(event.body ?? '{}') as { name: string; description?: string };
  const id = randomUUID();
  const now = new Date().toISOString();
  const tenant = tenantOf(event);
  const item = {
    ...projectKey(tenant, id),
    entity: 'project',
    tenantId: tenant,
    id,
    name: input.name,
    description: input.description,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const presence = { ...presenceKey(tenant, id), tenantId: tenant, projectId: id };
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: TABLE, Item: presence, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  );
  return json(201, { ...strip(item), taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 } });
};
