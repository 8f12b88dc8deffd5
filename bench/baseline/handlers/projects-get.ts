import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, projectKey, strip, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const { Item } = await db.send(
    new GetCommand({ TableName: TABLE, Key: projectKey(tenantOf(event), event.pathParameters!.projectId!), ConsistentRead: true }),
  );
  return Item ? json(200, strip(Item)) : notFound();
};
