import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, cursorOf, db, json, notFound, presenceKey, strip, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const tenant = tenantOf(event);
  const projectId = event.pathParameters!.projectId!;
  const limit = Number(event.queryStringParameters?.limit ?? 20);
  const [{ Item: project }, { Items = [], LastEvaluatedKey }] = await Promise.all([
    db.send(new GetCommand({ TableName: TABLE, Key: presenceKey(tenant, projectId), ConsistentRead: true })),
    db.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': `TENANT#${tenant}#PROJECT#${projectId}`, ':sk': 'ACTIVITY#' },
        Limit: limit + 1,
        ScanIndexForward: false,
        ConsistentRead: true,
      }),
    ),
  ]);
  if (!project) return notFound();
  return json(200, { items: Items.slice(0, limit).map(strip), nextCursor: Items.length > limit ? cursorOf(LastEvaluatedKey) : null });
};
