// The data the routes' requests refer to: one project with a task and an activity entry, and
// spare projects and tasks for DELETEs to consume, written through the data layer.
import { activityEntity, createDocumentClient, createRepositories, toItem, type Repositories } from '@app/data';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TENANT_ID, type Fixture } from './routes.ts';

export const CURSOR_SECRET = 'bench-cursor-secret';

export function benchRepositories(endpoint: string, tableName: string): { repositories: Repositories; client: DynamoDBDocumentClient } {
  const client = createDocumentClient({ endpoint, region: 'us-east-1', maxAttempts: 3, requestTimeoutMs: 5_000 });
  return { client, repositories: createRepositories({ client, tableName, cursorSecret: CURSOR_SECRET }) };
}

/** An activity entry as the stream consumer writes it (packages/data/src/projections.ts). */
export function activityItem(projectId: string, n: number, tenantId = TENANT_ID) {
  const occurredAt = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
  const id = `evt-${String(n).padStart(8, '0')}`;
  const entry = {
    id,
    projectId,
    type: 'task.updated',
    taskId: projectId,
    title: 'A task',
    changes: { status: { from: 'open', to: 'in_progress' } },
    occurredAt,
  };
  return toItem(activityEntity, tenantId, entry);
}

export async function seedFixture(endpoint: string, tableName: string, spares: number): Promise<Fixture> {
  const { repositories, client } = benchRepositories(endpoint, tableName);
  const project = await repositories.projects.create(TENANT_ID, { name: 'Bench project', description: 'The project every request reads' });
  const task = await repositories.tasks.create(TENANT_ID, project.id, { title: 'Bench task' });
  for (let n = 0; n < 5; n++) {
    await repositories.tasks.create(TENANT_ID, project.id, { title: `Listed task ${n}` });
    await client.send(new PutCommand({ TableName: tableName, Item: activityItem(project.id, n) }));
  }
  const spareProjectIds: string[] = [];
  const spareTaskIds: string[] = [];
  for (let i = 0; i < spares; i++) {
    spareProjectIds.push((await repositories.projects.create(TENANT_ID, { name: `Spare ${i}` })).id);
    spareTaskIds.push((await repositories.tasks.create(TENANT_ID, project.id, { title: `Spare ${i}` })).id);
  }
  client.destroy();
  return { projectId: project.id, taskId: task.id, spareProjectIds, spareTaskIds };
}
