// Creates the tables a run needs, or brings existing ones up to date without touching
// their items. Works against any endpoint: dynalite, DynamoDB Local, LocalStack or AWS.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from './table-definition.js';

export interface EnsureTablesOptions {
  /** Where warnings go (an index that cannot be added...); default `console.warn`. */
  warn?: (message: string) => void;
  /** How long to wait for a table to become ACTIVE; default 5 minutes (real AWS). */
  timeoutMs?: number;
}

export interface EnsureTableResult {
  tableName: string;
  /** `created`: it did not exist; `existing`: it did, and its items were left alone. */
  action: 'created' | 'existing';
  /** Global secondary indexes added to an existing table. */
  addedIndexes: string[];
  /** Global secondary indexes the endpoint could not add (dynalite cannot); a warning was given. */
  missingIndexes: string[];
  /** What happened to the TimeToLiveSpecification, when the definition has one. */
  timeToLive?: 'enabled' | 'disabled' | 'unchanged' | 'unsupported';
  /**
   * What happened to the StreamSpecification of an existing table, when the definition
   * enables a stream: `enabled` (added now), `unchanged`, `mismatch` (a stream of another
   * view type is on; a warning was given) or `unsupported` (the endpoint has no streams).
   */
  stream?: 'enabled' | 'unchanged' | 'mismatch' | 'unsupported';
}

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 2_000)) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => !index.IndexStatus || index.IndexStatus === 'ACTIVE');
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline)
      throw new Error(`table ${tableName} is not ACTIVE after ${timeoutMs} ms (status ${table?.TableStatus ?? 'missing'})`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

async function addMissingIndexes(
  client: DynamoDBClient,
  definition: TableDefinition,
  table: TableDescription,
  options: Required<EnsureTablesOptions>,
): Promise<Pick<EnsureTableResult, 'addedIndexes' | 'missingIndexes'>> {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const addedIndexes: string[] = [];
  const missingIndexes: string[] = [];
  // One index per UpdateTable: DynamoDB creates a single new index at a time.
  for (const index of definition.createTable.GlobalSecondaryIndexes ?? []) {
    if (!index.IndexName || present.has(index.IndexName)) continue;
    let reason = 'the endpoint accepted the request but did not add it';
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: definition.tableName,
          AttributeDefinitions: definition.createTable.AttributeDefinitions,
          GlobalSecondaryIndexUpdates: [{ Create: index }],
        }),
      );
      const updated = await waitUntilActive(client, definition.tableName, options.timeoutMs);
      if (updated.GlobalSecondaryIndexes?.some((item) => item.IndexName === index.IndexName)) {
        addedIndexes.push(index.IndexName);
        continue;
      }
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    missingIndexes.push(index.IndexName);
    options.warn(
      `table ${definition.tableName}: index ${index.IndexName} is missing and could not be added (${reason}); ` +
        'delete the table (or the local data directory) so that it is created again',
    );
  }
  return { addedIndexes, missingIndexes };
}

async function applyTimeToLive(client: DynamoDBClient, definition: TableDefinition): Promise<EnsureTableResult['timeToLive']> {
  const wanted = definition.timeToLive;
  if (!wanted?.AttributeName) return undefined;
  try {
    const current = (await client.send(new DescribeTimeToLiveCommand({ TableName: definition.tableName }))).TimeToLiveDescription;
    const on = current?.TimeToLiveStatus === 'ENABLED' || current?.TimeToLiveStatus === 'ENABLING';
    // DynamoDB rejects an UpdateTimeToLive that changes nothing.
    if (wanted.Enabled ? on && current?.AttributeName === wanted.AttributeName : !on) return 'unchanged';
    await client.send(new UpdateTimeToLiveCommand({ TableName: definition.tableName, TimeToLiveSpecification: wanted }));
    return wanted.Enabled ? 'enabled' : 'disabled';
  } catch (error) {
    // Plain dynalite has no UpdateTimeToLive; expiry is not needed to run locally.
    if (errorName(error) === 'UnknownOperationException') return 'unsupported';
    throw error;
  }
}

/**
 * Turns on the stream of a table created before its definition had one (a data folder
 * from an older run). A stream of another view type cannot be changed in place: warn.
 */
async function applyStream(
  client: DynamoDBClient,
  definition: TableDefinition,
  table: TableDescription,
  options: Required<EnsureTablesOptions>,
): Promise<EnsureTableResult['stream']> {
  const wanted = definition.createTable.StreamSpecification;
  if (!wanted?.StreamEnabled) return undefined;
  const current = table.StreamSpecification;
  if (current?.StreamEnabled) {
    if (current.StreamViewType === wanted.StreamViewType) return 'unchanged';
    options.warn(
      `table ${definition.tableName}: its stream is ${current.StreamViewType}, the definition asks for ${wanted.StreamViewType}; ` +
        'disable and re-enable the stream (or delete the local data directory) to change it',
    );
    return 'mismatch';
  }
  try {
    await client.send(new UpdateTableCommand({ TableName: definition.tableName, StreamSpecification: wanted }));
  } catch (error) {
    // Plain dynalite rejects an UpdateTable that only changes the stream.
    if (errorName(error) === 'ValidationException' && /At least one of/.test((error as Error).message)) return 'unsupported';
    throw error;
  }
  await waitUntilActive(client, definition.tableName, options.timeoutMs);
  return 'enabled';
}

async function ensureTable(
  client: DynamoDBClient,
  definition: TableDefinition,
  options: Required<EnsureTablesOptions>,
): Promise<EnsureTableResult> {
  let action: EnsureTableResult['action'] = 'existing';
  if (!(await describe(client, definition.tableName))) {
    try {
      await client.send(new CreateTableCommand(definition.createTable));
      action = 'created';
    } catch (error) {
      // Someone else created it meanwhile: treat it as existing.
      if (errorName(error) !== 'ResourceInUseException') throw error;
    }
  }
  const table = await waitUntilActive(client, definition.tableName, options.timeoutMs);
  const indexes =
    action === 'created' ? { addedIndexes: [], missingIndexes: [] } : await addMissingIndexes(client, definition, table, options);
  const stream = action === 'created' ? undefined : await applyStream(client, definition, table, options);
  const timeToLive = await applyTimeToLive(client, definition);
  return { tableName: definition.tableName, action, ...indexes, ...(stream ? { stream } : {}), ...(timeToLive ? { timeToLive } : {}) };
}

/**
 * Creates each table that is missing and adds missing global secondary indexes and a
 * missing stream to the ones that exist (items are never touched); applies the TTL
 * setting. Idempotent; resolves once all are ACTIVE.
 */
export async function ensureTables(
  client: DynamoDBClient,
  definitions: readonly TableDefinition[],
  options: EnsureTablesOptions = {},
): Promise<EnsureTableResult[]> {
  const settings = { warn: options.warn ?? ((message: string) => console.warn(message)), timeoutMs: options.timeoutMs ?? 300_000 };
  const results: EnsureTableResult[] = [];
  for (const definition of definitions) results.push(await ensureTable(client, definition, settings));
  return results;
}

function isAwsEndpoint(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host.endsWith('.amazonaws.com') || host.endsWith('.amazonaws.com.cn');
}

/**
 * A client for `endpoint`: region `AWS_REGION` or `us-east-1`; for any endpoint that is
 * not AWS, dummy `local`/`local` credentials (emulators accept any, but need some).
 * DynamoDB Local without `-sharedDb` keeps one database per access key, so the code
 * that reads the tables must use the same dummy key.
 */
export function createDynamoDBClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION || 'us-east-1',
    ...(isAwsEndpoint(endpoint) ? {} : { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  });
}

/** {@link ensureTables} with its own client for `endpoint` (e.g. `DYNAMODB_ENDPOINT`). */
export async function ensureTablesAt(
  endpoint: string,
  definitions: readonly TableDefinition[],
  options: EnsureTablesOptions = {},
): Promise<EnsureTableResult[]> {
  const client = createDynamoDBClient(endpoint);
  try {
    return await ensureTables(client, definitions, options);
  } finally {
    client.destroy();
  }
}
