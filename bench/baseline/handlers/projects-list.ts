import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, cursorOf, db, json, strip, taskCountsOf, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const limit = Number(event.queryStringParameters?.limit ?? 20);
  const tenant = tenantOf(event);
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenant}`, ':sk': 'PROJECT#' },
      Limit: limit + 1,
      ConsistentRead: true,
    }),
  );
  const page = Items.slice(0, limit);
  const counts = await taskCountsOf(
    tenant,
    page.map((item) => item.id as string),
  );
  const items = page.map((item) => ({ ...strip(item), taskCounts: counts.get(item.id as string) }));
  return json(200, { items, nextCursor: Items.length > limit ? cursorOf(LastEvaluatedKey) : null });
};
