import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getDocumentClient } from './client.js';
import { createCursorCodec } from './cursor.js';
import { ActivityRepository } from './repositories/activity.js';
import { ProjectRepository } from './repositories/projects.js';
import { TaskRepository } from './repositories/tasks.js';
import type { TableContext } from './table.js';

export { clientOptionsFromEnv, createDocumentClient, getDocumentClient, type ClientOptions } from './client.js';
export { createCursorCodec, type CursorCodec, type PageKey } from './cursor.js';
export {
  activityEntity,
  cleanupEntity,
  composeKey,
  countedTaskEntity,
  idempotencyEntity,
  keyPrefix,
  projectEntity,
  taskEntity,
  tenantEntity,
  TABLE_INDEXES,
  type EntityDefinition,
} from './entities.js';
export { ProjectionWriter, type ActivityChange, type ApplyResult, type CountedChange } from './projections.js';
export { recount, type ProjectDrift, type RecountOptions, type RecountReport, type UnreadableTask } from './recount.js';
export { countsDelta, countsOf, readTask, type CountsDelta, type TaskCounts, type TaskReading } from './task-counts.js';
export { ActivityRepository } from './repositories/activity.js';
export { ConflictError, DataError, InvalidCursorError, NotFoundError, PreconditionFailedError } from './errors.js';
export { ProjectRepository, type WriteOptions } from './repositories/projects.js';
export { TaskRepository } from './repositories/tasks.js';
export type { Page, TableContext } from './table.js';

export interface Repositories {
  projects: ProjectRepository;
  tasks: TaskRepository;
  activity: ActivityRepository;
  /** The same repositories (client, table, cursor key), stamping `requestId` on every item they write. */
  forRequest(requestId: string): Repositories;
}

export interface RepositoryConfig {
  client?: DynamoDBDocumentClient;
  tableName?: string;
  cursorSecret?: string;
  now?: () => Date;
  /** Stamped on every item written (`lastRequestId`); per request, see `Repositories.forRequest`. */
  requestId?: string;
}

function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Repositories wired from explicit config, falling back to the Lambda environment. */
export function createRepositories(config: RepositoryConfig = {}): Repositories {
  const ctx = {
    client: config.client ?? getDocumentClient(),
    tableName: config.tableName ?? required('TABLE_NAME', process.env.TABLE_NAME),
    cursors: createCursorCodec(config.cursorSecret ?? required('CURSOR_SECRET', process.env.CURSOR_SECRET)),
    now: config.now,
    requestId: config.requestId,
  };
  return wire(ctx);
}

// Cheap enough to run per request (three small objects over the shared context).
function wire(ctx: TableContext): Repositories {
  const projects = new ProjectRepository(ctx);
  return {
    projects,
    tasks: new TaskRepository(ctx, projects),
    activity: new ActivityRepository(ctx, projects),
    forRequest: (requestId) => wire({ ...ctx, requestId }),
  };
}
