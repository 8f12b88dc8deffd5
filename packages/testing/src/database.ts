// The embedded DynamoDB for a test suite: in memory, on a free port, with the table of the
// root serverless.yml (stage `local`), as `npm start` creates it.
//
// @app/local-dynamodb is a peer dependency of this package, not a dependency: its own tests
// use this package's other helpers, and Turborepo refuses a cycle in the package graph.
import { createDynamoDBClient, readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const ROOT_SERVERLESS_YML = new URL('../../../serverless.yml', import.meta.url);

export interface TestDatabase {
  endpoint: string;
  tableName: string;
  /** A document client of this database, as the data layer builds it (undefined values dropped). */
  client: DynamoDBDocumentClient;
  /** The engine itself (TTL sweeps on demand). */
  engine: LocalDynamoDB;
  /** What serverless.yml gives the functions on the local stage, pointed at this database. */
  functionEnvironment: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Put `functionEnvironment` (and `extraEnvironment`) in process.env, as Lambda does before a
   * handler's module loads: for suites that invoke handlers. Default false.
   */
  exportEnvironment?: boolean;
  extraEnvironment?: Record<string, string>;
}

export async function startTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const tables = await readTableDefinitions(ROOT_SERVERLESS_YML, { stage: 'local' });
  const engine = await startLocalDynamoDB({ port: 0, tables });
  const tableName = tables[0]!.tableName;
  const functionEnvironment = {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: engine.endpoint,
    CURSOR_SECRET: 'test-cursor-secret-0123456789',
    TENANT_CLAIM: 'tenant',
    ...options.extraEnvironment,
  };
  if (options.exportEnvironment) Object.assign(process.env, functionEnvironment);
  const client = DynamoDBDocumentClient.from(createDynamoDBClient(engine.endpoint), { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint: engine.endpoint,
    tableName,
    client,
    engine,
    functionEnvironment,
    async stop() {
      client.destroy();
      await engine.stop();
    },
  };
}
