import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, projectKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    await db.send(
      new DeleteCommand({
        TableName: TABLE,
        Key: projectKey(tenantOf(event), event.pathParameters!.projectId!),
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
    return json(204);
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return notFound();
    throw error;
  }
};
