import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, presenceKey, strip, taskKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const input = JSON.parse(event.body ?? '{}') as { title: string; status?: string };
  const tenant = tenantOf(event);
  const projectId = event.pathParameters!.projectId!;
  const id = randomUUID();
  const now = new Date().toISOString();
  const status = input.status ?? 'open';
  const item = {
    ...taskKey(tenant, projectId, id),
    gsi1pk: `TENANT#${tenant}#PROJECT#${projectId}#STATUS#${status}`,
    gsi1sk: `TASK#${id}`,
    entity: 'task',
    tenantId: tenant,
    id,
    projectId,
    title: input.title,
    status,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  // The project must exist when the task is written (its presence item): one transaction, as the API does it.
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { ConditionCheck: { TableName: TABLE, Key: presenceKey(tenant, projectId), ConditionExpression: 'attribute_exists(pk)' } },
          { Put: { TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return notFound();
    throw error;
  }
  return json(201, strip(item));
};
