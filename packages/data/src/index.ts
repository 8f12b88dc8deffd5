import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getClients } from './client.js';
import { createCursorCodec } from './cursor.js';
import { requiredFromEnv } from './env.js';
import { idempotencyRecordsOf, type IdempotencyRecordsLocation } from './idempotency-records.js';
import { ActivityRepository } from './repositories/activity.js';
import { ProjectRepository } from './repositories/projects.js';
import { TaskRepository } from './repositories/tasks.js';
// new:resource: repository imports
import { systemClock, type TableContext } from './table.js';

export {
  clientOptionsFromEnv,
  createClients,
  createDocumentClient,
  getClients,
  getDocumentClient,
  type ClientOptions,
  type DynamoDBClients,
} from './client.js';
export type { CollectionLocator, PageRequest, WriteOptions } from './crud.js';
export { createCursorCodec, type CursorCodec, type PageKey } from './cursor.js';
export * from './entities/index.js';
export {
  childPartition,
  childPartitionKey,
  defaultsOf,
  existenceKey,
  idAttribute,
  keyOf,
  mutableAttributes,
  toItem,
  toResource,
  trackedAttributes,
  writableAttributes,
  type EntityDeclaration,
  type Item,
  type ItemLocator,
} from './entity.js';
export { booleanFromEnv, integerFromEnv, requiredFromEnv, type Environment } from './env.js';
export { ConfigurationError, ConflictError, DataError, InvalidCursorError, NotFoundError, PreconditionFailedError } from './errors.js';
export type { IdempotencyRecordsLocation } from './idempotency-records.js';
export { composeKey, keyPattern, keyPrefix, TABLE_INDEXES, TABLE_KEY, TABLE_TTL_ATTRIBUTE, type KeyTemplate } from './keys.js';
export { ProjectionWriter, type ActivityChange, type ApplyResult, type CountedChange } from './projections.js';
export { recount, type ProjectDrift, type RecountOptions, type RecountReport, type UnreadableTask } from './recount.js';
export { countsDelta, countsOf, readTask, type CountsDelta, type TaskCounts, type TaskReading } from './task-counts.js';
export { ActivityRepository } from './repositories/activity.js';
export { ProjectRepository } from './repositories/projects.js';
export { TaskRepository } from './repositories/tasks.js';
// new:resource: repository exports
export type { Page, TableContext } from './table.js';

export interface Repositories {
  projects: ProjectRepository;
  tasks: TaskRepository;
  activity: ActivityRepository;
  // new:resource: repositories
  /** Where the Idempotency-Key records of a tenant are kept (the options of Powertools' DynamoDB persistence layer). */
  idempotencyRecords(tenantId: string): IdempotencyRecordsLocation;
  /** The same repositories (clients, table, cursor key, clock), stamping `requestId` on every item they write. */
  forRequest(requestId: string): Repositories;
}

export interface RepositoryConfig {
  /** A document client; the process's own (getClients) when unset, from the environment. */
  client?: DynamoDBDocumentClient;
  /** The DynamoDB client under `client` (for the idempotency records); with `client` only. */
  dynamodb?: DynamoDBClient;
  tableName?: string;
  cursorSecret?: string;
  now?: () => Date;
  /** Stamped on every item written (`lastRequestId`); per request, see `Repositories.forRequest`. */
  requestId?: string;
}

/** Repositories wired from explicit config, falling back to the Lambda environment. */
export function createRepositories(config: RepositoryConfig = {}): Repositories {
  const clients = config.client ? { documents: config.client, dynamodb: config.dynamodb } : getClients();
  return wire({
    client: clients.documents,
    dynamodb: clients.dynamodb,
    tableName: config.tableName ?? requiredFromEnv('TABLE_NAME'),
    cursors: createCursorCodec(config.cursorSecret ?? requiredFromEnv('CURSOR_SECRET')),
    now: config.now ?? systemClock,
    requestId: config.requestId,
  });
}

// Cheap enough to run per request (a few small objects over the shared context).
function wire(ctx: TableContext): Repositories {
  return {
    projects: new ProjectRepository(ctx),
    tasks: new TaskRepository(ctx),
    activity: new ActivityRepository(ctx),
    // new:resource: wiring
    idempotencyRecords: (tenantId) => idempotencyRecordsOf(ctx, tenantId),
    forRequest: (requestId) => wire({ ...ctx, requestId }),
  };
}
