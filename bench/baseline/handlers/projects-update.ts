import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, projectKey, strip, taskCountsOf, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const patch = JSON.parse(event.body ?? '{}') as { name?: string };
  const tenant = tenantOf(event);
  const projectId = event.pathParameters!.projectId!;
  const key = projectKey(tenant, projectId);
  try {
    const [{ Attributes }, counts] = await Promise.all([
      db.send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'SET #name = :name, updatedAt = :now, version = version + :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': patch.name, ':now': new Date().toISOString(), ':one': 1 },
          ReturnValues: 'ALL_NEW',
        }),
      ),
      taskCountsOf(tenant, [projectId]),
    ]);
    return json(200, { ...strip(Attributes!), taskCounts: counts.get(projectId) });
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const { Item } = await db.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
    return Item ? json(412, { message: 'stale' }) : notFound();
  }
};
