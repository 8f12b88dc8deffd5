import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, cursorOf, db, json, strip, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const limit = Number(event.queryStringParameters?.limit ?? 20);
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantOf(event)}`, ':sk': 'PROJECT#' },
      Limit: limit + 1,
      ConsistentRead: true,
    }),
  );
  return json(200, { items: Items.slice(0, limit).map(strip), nextCursor: Items.length > limit ? cursorOf(LastEvaluatedKey) : null });
};
