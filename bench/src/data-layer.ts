// 5. Data layer: @app/data's repository operations per second against the raw
// DynamoDBDocumentClient calls they make, on the same embedded DynamoDB (its own process), with
// the same client (packages/data's settings), at 1 and 10 operations in flight. Rounds
// alternate between the two sides; every round is bounded in count and time.
import { randomUUID } from 'node:crypto';
import { keyOf, keyPrefix, projectEntity } from '@app/data';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ratio, round, summarize } from './stats.ts';
import type { Database } from './support/db.ts';
import { benchRepositories } from './support/fixture.ts';
import { TENANT_ID } from './support/routes.ts';

export interface DataSide {
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ops: number;
}

export interface DataFigure {
  operation: string;
  concurrency: number;
  repository: DataSide;
  raw: DataSide;
  /** repository.opsPerSecond / raw.opsPerSecond */
  ratio: number | null;
}

export interface DataOptions {
  db: Database;
  concurrency: number[];
  /** Operations per round and side (at most), and the time budget of a round. */
  opsPerRound: number;
  roundBudgetMs: number;
  rounds: number;
}

/** Runs `op` with `concurrency` in flight until `count` are done or the budget is spent. */
async function drive(op: (i: number) => Promise<unknown>, count: number, concurrency: number, budgetMs: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + budgetMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

export async function measureDataLayer(options: DataOptions): Promise<DataFigure[]> {
  const { db } = options;
  const { repositories, client } = benchRepositories(db.endpoint, db.tableName);
  try {
    const project = await repositories.projects.create(TENANT_ID, { name: 'Data layer project', description: 'read and updated' });
    for (let i = 0; i < 25; i++) await repositories.projects.create(TENANT_ID, { name: `Listed ${i}` });
    // The raw side spells its keys by hand, as SDK code without a data layer would; the parts
    // come from the declarations (outside the timed calls), so both sides write the same items.
    const key = keyOf(projectEntity, { tenantId: TENANT_ID, projectId: project.id });
    const projectPrefix = keyPrefix(projectEntity.keys.sk);
    const T = db.tableName;
    const now = () => new Date().toISOString();

    const operations: { name: string; repository: (i: number) => Promise<unknown>; raw: (i: number) => Promise<unknown> }[] = [
      {
        name: 'get project',
        repository: () => repositories.projects.get(TENANT_ID, project.id),
        raw: () => client.send(new GetCommand({ TableName: T, Key: key, ConsistentRead: true })),
      },
      {
        name: 'list projects (20)',
        repository: () => repositories.projects.list(TENANT_ID, { limit: 20 }),
        raw: () =>
          client.send(
            new QueryCommand({
              TableName: T,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
              ExpressionAttributeValues: { ':pk': key.pk, ':sk': projectPrefix },
              Limit: 21,
              ConsistentRead: true,
            }),
          ),
      },
      {
        name: 'create project',
        repository: (i) => repositories.projects.create(TENANT_ID, { name: `Created ${i}` }),
        raw: (i) => {
          const id = randomUUID();
          const at = now();
          return client.send(
            new PutCommand({
              TableName: T,
              Item: {
                pk: key.pk,
                sk: `${projectPrefix}${id}`,
                entity: 'project',
                tenantId: TENANT_ID,
                id,
                name: `Created ${i}`,
                createdAt: at,
                updatedAt: at,
                version: 1,
                taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        },
      },
      {
        name: 'update project',
        repository: (i) => repositories.projects.update(TENANT_ID, project.id, { name: `Renamed ${i}` }),
        raw: (i) =>
          client.send(
            new UpdateCommand({
              TableName: T,
              Key: key,
              UpdateExpression: 'SET #name = :name, updatedAt = :now, version = version + :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#name': 'name' },
              ExpressionAttributeValues: { ':name': `Renamed ${i}`, ':now': now(), ':one': 1 },
              ReturnValues: 'ALL_NEW',
            }),
          ),
      },
    ];

    const figures: DataFigure[] = [];
    for (const operation of operations) {
      for (const concurrency of options.concurrency) {
        // Warm-up of both sides (connections, JIT).
        await drive(operation.repository, 50, concurrency, 2_000);
        await drive(operation.raw, 50, concurrency, 2_000);
        const sides = { repository: { latencies: [] as number[], elapsedMs: 0 }, raw: { latencies: [] as number[], elapsedMs: 0 } };
        for (let r = 0; r < options.rounds; r++) {
          const order: ('repository' | 'raw')[] = r % 2 === 0 ? ['repository', 'raw'] : ['raw', 'repository'];
          for (const side of order) {
            const run = await drive(operation[side], options.opsPerRound, concurrency, options.roundBudgetMs);
            sides[side].latencies.push(...run.latencies);
            sides[side].elapsedMs += run.elapsedMs;
          }
        }
        const figure = (s: { latencies: number[]; elapsedMs: number }): DataSide => {
          const summary = summarize(s.latencies);
          return {
            opsPerSecond: round((s.latencies.length / s.elapsedMs) * 1000, 0),
            p50Ms: round(summary.p50, 2),
            p99Ms: round(summary.p99, 2),
            ops: s.latencies.length,
          };
        };
        const repository = figure(sides.repository);
        const raw = figure(sides.raw);
        figures.push({ operation: operation.name, concurrency, repository, raw, ratio: ratio(repository.opsPerSecond, raw.opsPerSecond) });
      }
    }
    return figures;
  } finally {
    client.destroy();
  }
}
