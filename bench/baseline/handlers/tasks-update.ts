import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, presenceKey, strip, taskKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const patch = JSON.parse(event.body ?? '{}') as { title?: string };
  const tenant = tenantOf(event);
  const { projectId, taskId } = event.pathParameters as { projectId: string; taskId: string };
  const { Item: project } = await db.send(new GetCommand({ TableName: TABLE, Key: presenceKey(tenant, projectId), ConsistentRead: true }));
  if (!project) return notFound();
  try {
    const { Attributes } = await db.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: taskKey(tenant, projectId, taskId),
        UpdateExpression: 'SET title = :title, updatedAt = :now, version = version + :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':title': patch.title, ':now': new Date().toISOString(), ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return json(200, strip(Attributes!));
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return notFound();
    throw error;
  }
};
