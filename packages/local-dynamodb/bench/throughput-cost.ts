// What the throughput limits cost the engine: the same requests against the embedded engine
// without limits and with DynamoDB's ceilings (throughputLimits: true), on a table shaped as
// the root serverless.yml's (pk/sk, a GSI with every attribute projected, a stream with both
// images). Three workloads, each over keys that stay far below the ceilings, so that what is
// measured is the accounting, not throttling:
//   - write: half PutItem (a ~200-byte item in the GSI), half UpdateItem (a counter), 1,000 keys;
//   - get: GetItem of 1 KB items, 1,000 keys (without limits: dynalite's own handler, untouched);
//   - query: Query of one page of 10 items, 100 partition keys.
// Both engines run at once and take turns in short slices, in a rotating order, so that the
// load of a shared machine weighs on both alike (as bench/streams-cost.ts does).
//
//   npm run bench:throughput -w @app/local-dynamodb
//   BENCH_OPS=5000 BENCH_SLICES=20 BENCH_CONCURRENCY=16 npm run bench:throughput -w @app/local-dynamodb
//
// Prints a table and one JSON line (`{"bench":"throughput-cost",...}`).
import { performance } from 'node:perf_hooks';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalDynamoDB } from '../src/server.js';
import type { LocalDynamoDB } from '../src/server.js';
import { benchClient, inFlight, percentile, relative } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Requests per workload and engine, after the warm-up. */
const OPS = Number(process.env.BENCH_OPS ?? 3_000);
const SLICES = Number(process.env.BENCH_SLICES ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 300;
const TableName = 'bench';
const KEYS = 1_000;
const QUERIED = 100;

type Workload = 'write' | 'get' | 'query';
const WORKLOADS: Workload[] = ['write', 'get', 'query'];

interface Engine {
  name: string;
  db: LocalDynamoDB;
  dynamodb: DynamoDBClient;
  latencies: Record<Workload, number[]>;
  seconds: Record<Workload, number>;
  /** CPU time of the process (client and server) while this engine's slices ran. */
  cpuMicros: Record<Workload, number>;
  sent: Record<Workload, number>;
}

const key = (index: number): string => `key-${(index * 7919) % KEYS}`;

function request(dynamodb: DynamoDBClient, workload: Workload, index: number): Promise<unknown> {
  if (workload === 'get') return dynamodb.send(new GetItemCommand({ TableName, Key: { pk: { S: key(index) }, sk: { S: 'item' } } }));
  if (workload === 'query') {
    return dynamodb.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `list-${index % QUERIED}` } },
        Limit: 10,
      }),
    );
  }
  const pk = { S: `written-${(index * 7919) % KEYS}` };
  if (index % 2) {
    return dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk, sk: { S: 'item' } },
        UpdateExpression: 'ADD n :one SET touched = :at',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { N: String(index) } },
      }),
    );
  }
  const item = { pk, sk: { S: 'item' }, gsi1pk: { S: `status-${index % 4}` }, gsi1sk: { S: String(index) }, body: { S: 'x'.repeat(160) } };
  return dynamodb.send(new PutItemCommand({ TableName, Item: item }));
}

async function start(name: string, throughputLimits: boolean): Promise<Engine> {
  const db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0, throughputLimits });
  const dynamodb = benchClient(db.endpoint, CONCURRENCY);
  await dynamodb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  // The items read: 1 KB each under `key-N`, 10 under each `list-N`.
  const items = [
    ...Array.from({ length: KEYS }, (_, index) => ({ pk: { S: `key-${index}` }, sk: { S: 'item' }, body: { S: 'x'.repeat(1_000) } })),
    ...Array.from({ length: QUERIED * 10 }, (_, index) => ({
      pk: { S: `list-${index % QUERIED}` },
      sk: { S: String(index) },
      body: { S: 'x'.repeat(100) },
    })),
  ];
  for (let from = 0; from < items.length; from += 25) {
    const RequestItems = { [TableName]: items.slice(from, from + 25).map((Item) => ({ PutRequest: { Item } })) };
    await dynamodb.send(new BatchWriteItemCommand({ RequestItems }));
  }
  const zero = () => ({ write: 0, get: 0, query: 0 });
  return { name, db, dynamodb, latencies: { write: [], get: [], query: [] }, seconds: zero(), cpuMicros: zero(), sent: zero() };
}

/** `count` requests of `workload`, CONCURRENCY in flight. */
async function run(engine: Engine, workload: Workload, count: number, record: boolean): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const latencies = await inFlight(CONCURRENCY, engine.sent[workload], count, (index) => request(engine.dynamodb, workload, index));
  if (record) {
    engine.latencies[workload].push(...latencies);
    const used = process.cpuUsage(cpu);
    engine.seconds[workload] += (performance.now() - started) / 1000;
    engine.cpuMicros[workload] += used.user + used.system;
  }
  engine.sent[workload] += count;
}

interface Figures {
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
}

async function main(): Promise<void> {
  const engines = [await start('limits off', false), await start('limits on', true)];
  for (const engine of engines) for (const workload of WORKLOADS) await run(engine, workload, WARMUP, false);
  const slice = Math.ceil(OPS / SLICES);
  for (let round = 0; round < SLICES; round += 1) {
    for (const workload of WORKLOADS) {
      for (let turn = 0; turn < engines.length; turn += 1) await run(engines[(turn + round) % engines.length]!, workload, slice, true);
    }
  }
  const throttled = engines[1]!.db.throughput!.stats().throttledRequests;
  const rows = WORKLOADS.map((workload) => {
    const [off, on] = engines.map((engine) => {
      const latencies = engine.latencies[workload].sort((a, b) => a - b);
      return {
        opsPerSecond: Math.round(latencies.length / engine.seconds[workload]),
        p50Ms: Number(percentile(latencies, 50).toFixed(2)),
        p99Ms: Number(percentile(latencies, 99).toFixed(2)),
        cpuMicrosPerRequest: Math.round(engine.cpuMicros[workload] / latencies.length),
      };
    }) as [Figures, Figures];
    return {
      workload,
      off,
      on,
      throughputPct: relative(on.opsPerSecond, off.opsPerSecond),
      p50Pct: relative(on.p50Ms, off.p50Ms),
      cpuPct: relative(on.cpuMicrosPerRequest, off.cpuMicrosPerRequest),
    };
  });
  for (const engine of engines) {
    engine.dynamodb.destroy();
    await engine.db.stop();
  }

  console.log(
    `\n${slice * SLICES} requests per workload and engine (after ${WARMUP} warm-up) in ${SLICES} interleaved slices, ${CONCURRENCY} in flight, Node ${process.version}`,
  );
  console.log(`requests throttled with the limits on: ${throttled}\n`);
  console.log(
    ['workload', 'off req/s', 'on req/s', 'on vs off', 'off p50', 'on p50', 'off p99', 'on p99', 'off CPU µs', 'on CPU µs', 'on vs off']
      .map((cell, index) => (index ? cell.padStart(10) : cell.padEnd(9)))
      .join(' '),
  );
  for (const { workload, off, on, throughputPct, cpuPct } of rows) {
    const cells = [off.opsPerSecond, on.opsPerSecond, `${throughputPct}%`, off.p50Ms, on.p50Ms, off.p99Ms, on.p99Ms];
    cells.push(off.cpuMicrosPerRequest, on.cpuMicrosPerRequest, `${cpuPct}%`);
    console.log([workload.padEnd(9), ...cells.map((cell) => String(cell).padStart(10))].join(' '));
  }
  console.log(
    JSON.stringify({
      bench: 'throughput-cost',
      requestsPerWorkload: slice * SLICES,
      slices: SLICES,
      concurrency: CONCURRENCY,
      node: process.version,
      throttled,
      results: rows,
    }),
  );
}

await main();
