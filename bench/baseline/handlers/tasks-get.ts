import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE, db, json, notFound, presenceKey, strip, taskKey, tenantOf } from '../shared.ts';

export const handler = async (event: APIGatewayProxyEventV2) => {
  const tenant = tenantOf(event);
  const { projectId, taskId } = event.pathParameters as { projectId: string; taskId: string };
  const [{ Item: project }, { Item: task }] = await Promise.all([
    db.send(new GetCommand({ TableName: TABLE, Key: presenceKey(tenant, projectId), ConsistentRead: true })),
    db.send(new GetCommand({ TableName: TABLE, Key: taskKey(tenant, projectId, taskId), ConsistentRead: true })),
  ]);
  return project && task ? json(200, strip(task)) : notFound();
};
