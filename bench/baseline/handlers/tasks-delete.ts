import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, presenceKey, taskKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const tenant = tenantOf(event);
  const { projectId, taskId } = event.pathParameters as { projectId: string; taskId: string };
  const { Item: project } = await db.send(new GetCommand({ TableName: TABLE, Key: presenceKey(tenant, projectId), ConsistentRead: true }));
  if (!project) return notFound();
  try {
    await db.send(
      new DeleteCommand({ TableName: TABLE, Key: taskKey(tenant, projectId, taskId), ConditionExpression: 'attribute_exists(pk)' }),
    );
    return json(204);
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return notFound();
    throw error;
  }
};
