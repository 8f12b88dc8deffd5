// 7. Capacity: the DynamoDB capacity units each route consumes per request, read from the
// responses (every call made with ReturnConsumedCapacity: 'TOTAL', added by a middleware on
// @app/data's shared client), with 100 items in the table and again with 10,000: a route whose
// cost grew with the table (a Scan, a filter over a partition, an unbounded Query) would show it.
// The handlers run from their source, in this process (bench/src/children/phase.ts runs this
// module in a process of its own), against the embedded DynamoDB.
//
// The engine (dynalite) computes units from item sizes as DynamoDB does for the table itself
// (reads: 4 KB units, strongly consistent 1, eventually consistent 0.5; writes: 1 KB units, the
// larger of the old and the new item). It does not add the writes to global secondary indexes:
// on DynamoDB, a write of an item projected into gsi1 (a task) costs its size in gsi1 too.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectEntity, taskEntity, toItem } from '@app/data';
import { BatchWriteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { Database } from './support/db.ts';
import { activityItem, benchRepositories, CURSOR_SECRET } from './support/fixture.ts';
import { httpEvent, lambdaContext, ROUTES, TENANT_ID, type Fixture, type RouteCase } from './support/routes.ts';

export interface Units {
  read: number;
  write: number;
  calls: number;
}

export interface CapacityFigure {
  functionName: string;
  /** Capacity units per request at each table size (the same for every repetition, or the largest seen). */
  bySize: Record<string, Units & { varies: boolean }>;
  /** Writes to gsi1 that DynamoDB adds and the engine does not report (tasks are projected into gsi1). */
  gsiWriteUnitsNotReported: number;
  /** True when the cost per request is the same at every table size. */
  same: boolean;
}

export interface CapacityOptions {
  db: Database;
  /** services/api folder and each function's handler source file (relative to it) and export. */
  apiDir: string;
  handlers: Record<string, { file: string; exportName: string }>;
  sizes: number[];
  repetitions: number;
  log: (line: string) => void;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number }>;

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand']);

/** gsi1 writes per request on DynamoDB: a task's put or delete writes its index entry; an update rewrites it. */
const GSI_WRITES: Record<string, number> = { createTask: 1, updateTask: 1, deleteTask: 1 };

/** Filler items, in the partitions the routes read, so that every list is read past its first page. */
function filler(n: number, fixture: Fixture, serial: number) {
  const id = `00000000-0000-7000-8000-${String(serial).padStart(12, '0')}`;
  const at = '2026-01-01T00:00:00.000Z';
  const stamps = { createdAt: at, updatedAt: at, version: 1 };
  switch (n % 4) {
    case 0:
      return toItem(projectEntity, TENANT_ID, {
        id,
        name: `Filler project ${serial}`,
        ...stamps,
        taskCounts: projectEntity.initial.taskCounts,
      });
    case 1:
      return toItem(taskEntity, TENANT_ID, { id, projectId: fixture.projectId, title: `Filler task ${serial}`, status: 'open', ...stamps });
    case 2:
      return activityItem(fixture.projectId, 1_000_000 + serial);
    default:
      return toItem(projectEntity, `tenant:other-${serial % 50}`, { id, name: `Another tenant's project ${serial}`, ...stamps });
  }
}

async function fill(client: DynamoDBDocumentClient, tableName: string, fixture: Fixture, from: number, to: number) {
  const items = Array.from({ length: Math.max(0, to - from) }, (_, i) => filler(from + i, fixture, from + i));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let requests: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests && requests.length > 0 && attempt < 10; attempt++) {
          const out = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = out.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
        }
      }
    }),
  );
}

export async function measureCapacity(
  options: CapacityOptions,
): Promise<{ figures: CapacityFigure[]; itemsAtSize: Record<string, number> }> {
  const { db } = options;
  Object.assign(process.env, {
    TABLE_NAME: db.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    CURSOR_SECRET,
    TENANT_CLAIM: 'tenant',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  // The client the handlers use (one per process, from @app/data), with every call asking for its capacity.
  const data = await import('@app/data');
  const shared = data.getDocumentClient();
  let recording: Units | undefined;
  shared.middlewareStack.add(
    (next, context) => async (args) => {
      if (!recording) return next(args);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (READS.has(context.commandName ?? '')) recording.read += units;
      else recording.write += units;
      recording.calls += 1;
      return result;
    },
    { step: 'initialize', name: 'benchConsumedCapacity', priority: 'high' },
  );

  const handlers: Record<string, Handler> = {};
  for (const route of ROUTES) {
    const entry = options.handlers[route.functionName];
    if (!entry) throw new Error(`no handler for ${route.functionName}`);
    const module = (await import(pathToFileURL(join(options.apiDir, entry.file)).href)) as Record<string, Handler>;
    handlers[route.functionName] = module[entry.exportName]!;
  }

  // The fixture, through the data layer, with spares for every DELETE of every size.
  const { repositories, client } = benchRepositories(db.endpoint, db.tableName);
  const spares = options.repetitions * options.sizes.length + 1;
  const project = await repositories.projects.create(TENANT_ID, { name: 'Capacity project', description: 'read by every route' });
  const task = await repositories.tasks.create(TENANT_ID, project.id, { title: 'Capacity task' });
  const fixture: Fixture = { projectId: project.id, taskId: task.id, spareProjectIds: [], spareTaskIds: [] };
  for (let i = 0; i < spares; i++) {
    fixture.spareProjectIds.push((await repositories.projects.create(TENANT_ID, { name: `Spare ${i}` })).id);
    fixture.spareTaskIds.push((await repositories.tasks.create(TENANT_ID, project.id, { title: `Spare ${i}` })).id);
  }
  for (let n = 0; n < 10; n++) await client.send(new PutCommand({ TableName: db.tableName, Item: activityItem(project.id, n) }));
  let items = 2 + 2 * spares + 10;
  let filled = 0;
  const counters = new Map<string, number>();
  const invoke = async (route: RouteCase): Promise<Units> => {
    const i = counters.get(route.functionName) ?? 0;
    counters.set(route.functionName, i + 1);
    const requestId = `capacity-${route.functionName}-${i}`;
    recording = { read: 0, write: 0, calls: 0 };
    const response = await handlers[route.functionName]!(
      httpEvent(route.request(fixture, i), requestId),
      lambdaContext({ functionName: route.functionName, awsRequestId: requestId }),
    );
    const units = recording;
    recording = undefined;
    if (response.statusCode !== route.status)
      throw new Error(`${route.functionName} answered ${response.statusCode}, expected ${route.status}`);
    if (route.functionName === 'createProject' || route.functionName === 'createTask') items += 1;
    if (route.functionName === 'deleteProject' || route.functionName === 'deleteTask') items -= 1;
    return units;
  };

  const results = new Map<string, Record<string, Units & { varies: boolean }>>();
  const itemsAtSize: Record<string, number> = {};
  try {
    for (const size of options.sizes) {
      const before = items;
      await fill(client, db.tableName, fixture, filled, filled + (size - items));
      filled += size - before;
      items = size;
      options.log(`capacity: ${items} items in the table`);
      itemsAtSize[String(size)] = items;
      for (const route of ROUTES) {
        const runs: Units[] = [];
        for (let r = 0; r < options.repetitions; r++) runs.push(await invoke(route));
        const key = (u: Units) => `${u.read}/${u.write}/${u.calls}`;
        const varies = new Set(runs.map(key)).size > 1;
        const worst = runs.reduce((a, b) => (a.read + a.write >= b.read + b.write ? a : b));
        const bySize = results.get(route.functionName) ?? {};
        bySize[String(size)] = { ...worst, varies };
        results.set(route.functionName, bySize);
      }
    }
  } finally {
    client.destroy();
    shared.destroy();
  }
  const figures = ROUTES.map((route): CapacityFigure => {
    const bySize = results.get(route.functionName) ?? {};
    const totals = Object.values(bySize).map((u) => `${u.read}/${u.write}`);
    return {
      functionName: route.functionName,
      bySize,
      gsiWriteUnitsNotReported: GSI_WRITES[route.functionName] ?? 0,
      same: new Set(totals).size === 1,
    };
  });
  return { figures, itemsAtSize };
}
