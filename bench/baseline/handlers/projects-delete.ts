import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, countShardKeys, db, json, notFound, presenceKey, projectKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const tenant = tenantOf(event);
  const projectId = event.pathParameters!.projectId!;
  try {
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: TABLE, Key: projectKey(tenant, projectId), ConditionExpression: 'attribute_exists(pk)' } },
          ...[presenceKey(tenant, projectId), ...countShardKeys(tenant, projectId)].map((Key) => ({ Delete: { TableName: TABLE, Key } })),
        ],
      }),
    );
    return json(204);
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return notFound();
    throw error;
  }
};
