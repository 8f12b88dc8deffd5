import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, projectKey, strip, taskCountsOf, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const tenant = tenantOf(event);
  const projectId = event.pathParameters!.projectId!;
  const [{ Item }, counts] = await Promise.all([
    db.send(new GetCommand({ TableName: TABLE, Key: projectKey(tenant, projectId), ConsistentRead: true })),
    taskCountsOf(tenant, [projectId]),
  ]);
  return Item ? json(200, { ...strip(Item), taskCounts: counts.get(projectId) }) : notFound();
};
