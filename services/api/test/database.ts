// The embedded DynamoDB (in memory, a free port) with the table of the root serverless.yml,
// and the environment serverless.yml gives the functions, read when the first handler runs.
import { readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';

export async function startDatabase(): Promise<LocalDynamoDB & { tableName: string }> {
  const tables = await readTableDefinitions(new URL('../../../serverless.yml', import.meta.url), { stage: 'local' });
  const db = await startLocalDynamoDB({ port: 0, tables });
  Object.assign(process.env, {
    TABLE_NAME: tables[0]!.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    CURSOR_SECRET: 'handler-test-cursor-secret',
    TENANT_CLAIM: 'tenant',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
  });
  return Object.assign(db, { tableName: tables[0]!.tableName });
}
