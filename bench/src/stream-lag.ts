// 6. Stream lag: from a write's acknowledgement (the SDK call resolving) to the invocation of the
// stream consumer with that write's record, through the local event-source mapping
// (@app/local-streams' startStreamRunner) on the embedded DynamoDB's stream, invoking the real
// consumer handler (services/stream-consumer) in this process. Twice: with the mapping's
// batching window at 0 (what the runner itself adds: polling and delivery), and with the
// mapping exactly as services/stream-consumer/serverless.yml configures it.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadStreamMappings, startStreamRunner, type StreamMapping } from '@app/local-streams';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { round, summarize } from './stats.ts';
import type { Database } from './support/db.ts';
import { benchRepositories } from './support/fixture.ts';
import { ROOT_DIR } from './support/processes.ts';
import { lambdaContext, TENANT_ID } from './support/routes.ts';

export const STREAM_LAG_TARGET_P50_MS = 50;
export const CONSUMER_DIR = join(ROOT_DIR, 'services', 'stream-consumer');

export interface LagFigure {
  scenario: 'runner' | 'configured';
  batchWindowSeconds: number;
  pollIntervalMs: number;
  writes: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Median duration of the consumer's invocations, ms. */
  handlerP50Ms: number;
  met: boolean | null;
}

export interface LagOptions {
  db: Database;
  mapping: StreamMapping;
  scenario: 'runner' | 'configured';
  writes: number;
  spacingMs: number;
  pollIntervalMs: number;
}

export async function consumerMapping(): Promise<StreamMapping> {
  const mappings = await loadStreamMappings(CONSUMER_DIR, { stage: 'local', slsBin: join(ROOT_DIR, 'node_modules', '.bin', 'sls') });
  const mapping = mappings[0];
  if (!mapping) throw new Error('services/stream-consumer has no stream mapping');
  return mapping;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureStreamLag(options: LagOptions): Promise<LagFigure> {
  const { db } = options;
  const mapping: StreamMapping = {
    ...options.mapping,
    // Records written from now on: earlier scenarios' records are not this one's to deliver.
    startingPosition: 'LATEST',
    batchWindowSeconds: options.scenario === 'runner' ? 0 : options.mapping.batchWindowSeconds,
    environment: {
      ...options.mapping.environment,
      TABLE_NAME: db.tableName,
      DYNAMODB_ENDPOINT: db.endpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  };
  // The function's environment, as the runner sets it before importing the handler.
  Object.assign(process.env, mapping.environment);
  const module = (await import(pathToFileURL(join(CONSUMER_DIR, `${mapping.handler.file}.ts`)).href)) as Record<string, unknown>;
  const handler = module[mapping.handler.exportName] as (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;

  const { repositories, client } = benchRepositories(db.endpoint, db.tableName);
  const project = await repositories.projects.create(TENANT_ID, { name: `Stream lag (${options.scenario})` });
  // A record can reach the consumer before its write's acknowledgement reaches this process's
  // event loop: both times are kept by id and paired at the end (such a record's lag counts as 0).
  const acknowledged = new Map<string, number>();
  const invoked = new Map<string, number>();
  const durations: number[] = [];
  const runner = await startStreamRunner({
    serviceDir: CONSUMER_DIR,
    mappings: [mapping],
    endpoint: db.endpoint,
    pollIntervalMs: options.pollIntervalMs,
    log: () => undefined,
    invokers: {
      [mapping.functionName]: async (event) => {
        const invokedAt = performance.now();
        for (const record of event.Records) {
          const id = record.dynamodb?.NewImage?.id?.S;
          if (id !== undefined && record.eventName === 'INSERT' && !invoked.has(id)) invoked.set(id, invokedAt);
        }
        const result = await handler(
          event as DynamoDBStreamEvent,
          lambdaContext({ functionName: mapping.functionName, awsRequestId: `lag-${Date.now()}`, timeoutMs: 60_000 }),
        );
        durations.push(performance.now() - invokedAt);
        return result;
      },
    },
  });
  try {
    // The shard reader takes its LATEST iterator on its first pass.
    await sleep(1_000);
    for (let i = 0; i < options.writes; i++) {
      const task = await repositories.tasks.create(TENANT_ID, project.id, { title: `Lag ${i}` });
      acknowledged.set(task.id, performance.now());
      // Spacing with jitter, so that writes do not fall into step with the polling.
      await sleep(options.spacingMs * (0.5 + Math.random()));
    }
    const deadline = performance.now() + 10_000 + mapping.batchWindowSeconds * 1000;
    const waiting = () => [...acknowledged.keys()].some((id) => !invoked.has(id));
    while (waiting() && performance.now() < deadline) await sleep(20);
  } finally {
    await runner.stop();
    client.destroy();
  }
  const lags = [...acknowledged].flatMap(([id, at]) => (invoked.has(id) ? [Math.max(0, invoked.get(id)! - at)] : []));
  const s = summarize(lags);
  return {
    scenario: options.scenario,
    batchWindowSeconds: mapping.batchWindowSeconds,
    pollIntervalMs: options.pollIntervalMs,
    writes: options.writes,
    delivered: lags.length,
    p50Ms: round(s.p50, 1),
    p99Ms: round(s.p99, 1),
    maxMs: round(s.max, 1),
    handlerP50Ms: round(summarize(durations).p50, 1),
    met: options.scenario === 'runner' ? s.p50 < STREAM_LAG_TARGET_P50_MS && lags.length === options.writes : null,
  };
}
