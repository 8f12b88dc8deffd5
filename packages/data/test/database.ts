// Test fixture: a fresh embedded DynamoDB (in memory, any free port) with the table of the
// root serverless.yml, and repositories wired to it.
import { readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';
import { createDocumentClient, createRepositories, type Repositories } from '../src/index.js';

const SERVERLESS_YML = new URL('../../../serverless.yml', import.meta.url);

export interface TestDatabase {
  db: LocalDynamoDB;
  tableName: string;
  client: ReturnType<typeof createDocumentClient>;
  repositories: (options?: { now?: () => Date; cursorSecret?: string }) => Repositories;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const tables = await readTableDefinitions(SERVERLESS_YML, { stage: 'local' });
  const db = await startLocalDynamoDB({ port: 0, tables });
  const client = createDocumentClient({ endpoint: db.endpoint, region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 5_000 });
  const tableName = tables[0]!.tableName;
  return {
    db,
    tableName,
    client,
    repositories: (options = {}) =>
      createRepositories({ client, tableName, cursorSecret: options.cursorSecret ?? 'test-cursor-secret-0123456789', now: options.now }),
    async stop() {
      client.destroy();
      await db.stop();
    },
  };
}
