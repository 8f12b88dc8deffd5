// What the streams layer costs: write throughput and latency against plain dynalite and
// against the embedded engine with a stream on the table, with and without a stream
// reader polling alongside. Same machine, same run, same client settings, same
// concurrency, same bounded number of writes; rounds alternate the order of the
// scenarios so that warm-up and machine noise do not favour one of them.
//
//   npm run bench -w @app/local-dynamodb
//   BENCH_OPS=3000 BENCH_CONCURRENCY=16 BENCH_ROUNDS=3 npm run bench -w @app/local-dynamodb
//
// Prints a table and one JSON line (`{"bench":"streams-cost",...}`).
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { StreamViewType } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startLocalDynamoDB } from '../src/server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const OPS = Number(process.env.BENCH_OPS ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Math.min(500, Math.floor(OPS / 4));
const KEYS = 1_000;
const TableName = 'bench';

interface Endpoint {
  endpoint: string;
  stop(): Promise<void>;
}

async function plainDynalite(): Promise<Endpoint> {
  const dynalite = createRequire(import.meta.url)('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function embedded(): Promise<Endpoint> {
  const db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0 });
  return { endpoint: db.endpoint, stop: () => db.stop() };
}

function client<T>(Client: new (config: Record<string, unknown>) => T, endpoint: string): T {
  return new Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: CONCURRENCY } }),
  });
}

async function createTable(dynamodb: DynamoDBClient, stream: StreamViewType | undefined): Promise<string | undefined> {
  const { TableDescription } = await dynamodb.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream } } : {}),
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 20)); // dynalite turns the table ACTIVE on a timer
  return TableDescription?.LatestStreamArn;
}

/** Half PutItem (a ~200-byte item), half UpdateItem (a counter), over KEYS items. */
function write(dynamodb: DynamoDBClient, index: number): Promise<unknown> {
  const pk = { S: `key-${(index * 7919) % KEYS}` };
  if (index % 2) {
    return dynamodb.send(new UpdateItemCommand({ TableName, Key: { pk }, UpdateExpression: 'ADD n :one SET touched = :at', ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { N: String(index) } } }));
  }
  return dynamodb.send(new PutItemCommand({ TableName, Item: { pk, body: { S: 'x'.repeat(160) }, index: { N: String(index) }, tags: { SS: ['a', 'b'] } } }));
}

/** Runs `count` writes with CONCURRENCY in flight; the latency of each, in ms. */
async function run(dynamodb: DynamoDBClient, from: number, count: number): Promise<{ latencies: number[]; seconds: number; cpuMicros: number }> {
  const latencies: number[] = [];
  let next = from;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < from + count) {
        const index = next++;
        const at = performance.now();
        await write(dynamodb, index);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { latencies, seconds: (performance.now() - started) / 1000, cpuMicros: used.user + used.system };
}

/**
 * Follows the stream from TRIM_HORIZON. `lambda`: as Lambda's event source mapping polls
 * a shard (4 times a second, up to 1000 records, at once again while pages are full);
 * `busy`: back to back, pausing 10 ms only when a page is empty.
 */
function startReader(endpoint: string, StreamArn: string, pace: 'lambda' | 'busy'): { stop(): Promise<number> } {
  const streams = client(DynamoDBStreamsClient, endpoint);
  let running = true;
  let records = 0;
  const loop = (async () => {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
    let { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId: StreamDescription!.Shards![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (running && ShardIterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
      const count = page.Records?.length ?? 0;
      records += count;
      ShardIterator = page.NextShardIterator;
      const pause = pace === 'lambda' ? (count === 1000 ? 0 : 250) : count ? 0 : 10;
      if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      streams.destroy();
      return records;
    },
  };
}

interface Scenario {
  name: string;
  start(): Promise<Endpoint>;
  stream?: StreamViewType;
  reader?: 'lambda' | 'busy';
}

const scenarios: Scenario[] = [
  { name: 'dynalite', start: plainDynalite },
  { name: 'embedded, no stream', start: embedded },
  { name: 'embedded, stream', start: embedded, stream: 'NEW_AND_OLD_IMAGES' },
  { name: 'stream + Lambda-rate reader', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: 'lambda' },
  { name: 'stream + busy reader', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: 'busy' },
];

interface Measure {
  opsPerSecond: number;
  /** CPU time of this process (client and server together) per write: steadier than wall time on a busy machine. */
  cpuMicrosPerWrite: number;
  p50: number;
  p99: number;
  recordsRead?: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(scenario: Scenario): Promise<Measure> {
  const server = await scenario.start();
  const dynamodb = client(DynamoDBClient, server.endpoint);
  try {
    const StreamArn = await createTable(dynamodb, scenario.stream);
    await run(dynamodb, 0, WARMUP);
    const reader = scenario.reader ? startReader(server.endpoint, StreamArn!, scenario.reader) : undefined;
    const { latencies, seconds, cpuMicros } = await run(dynamodb, WARMUP, OPS);
    const recordsRead = await reader?.stop();
    latencies.sort((a, b) => a - b);
    return { opsPerSecond: OPS / seconds, cpuMicrosPerWrite: cpuMicros / OPS, p50: percentile(latencies, 50), p99: percentile(latencies, 99), ...(recordsRead === undefined ? {} : { recordsRead }) };
  } finally {
    dynamodb.destroy();
    await server.stop();
  }
}

const results = new Map<string, Measure[]>(scenarios.map((scenario) => [scenario.name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  // Rotate the order each round.
  const order = scenarios.map((_, index) => scenarios[(index + round) % scenarios.length]!);
  for (const scenario of order) results.get(scenario.name)!.push(await measure(scenario));
}

const summary = scenarios.map((scenario) => {
  const runs = results.get(scenario.name)!;
  return {
    scenario: scenario.name,
    opsPerSecond: Math.round(median(runs.map((run) => run.opsPerSecond))),
    cpuMicrosPerWrite: Math.round(median(runs.map((run) => run.cpuMicrosPerWrite))),
    p50Ms: Number(median(runs.map((run) => run.p50)).toFixed(2)),
    p99Ms: Number(median(runs.map((run) => run.p99)).toFixed(2)),
    ...(scenario.reader ? { recordsReadPerRound: runs.map((run) => run.recordsRead) } : {}),
  };
});
const baseline = summary[0]!;
const streams = summary.find((row) => row.scenario === 'embedded, stream')!;
const lambdaReader = summary.find((row) => row.scenario === 'stream + Lambda-rate reader')!;
const busyReader = summary.find((row) => row.scenario === 'stream + busy reader')!;
const relative = (value: number, reference: number): number => Number(((value / reference - 1) * 100).toFixed(1));

console.log(`\n${OPS} writes per run (after ${WARMUP} warm-up), ${CONCURRENCY} in flight, median of ${ROUNDS} rounds, Node ${process.version}\n`);
console.log(['scenario'.padEnd(28), 'writes/s'.padStart(9), 'vs dynalite'.padStart(12), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'CPU µs/write'.padStart(13)].join(' '));
for (const row of summary) {
  console.log(
    [
      row.scenario.padEnd(28),
      String(row.opsPerSecond).padStart(9),
      `${relative(row.opsPerSecond, baseline.opsPerSecond)}%`.padStart(12),
      row.p50Ms.toFixed(2).padStart(8),
      row.p99Ms.toFixed(2).padStart(8),
      String(row.cpuMicrosPerWrite).padStart(13),
    ].join(' '),
  );
}
console.log(
  JSON.stringify({
    bench: 'streams-cost',
    ops: OPS,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    node: process.version,
    results: summary,
    streamsThroughputVsDynalitePct: relative(streams.opsPerSecond, baseline.opsPerSecond),
    streamsP50VsDynalitePct: relative(streams.p50Ms, baseline.p50Ms),
    streamsP99VsDynalitePct: relative(streams.p99Ms, baseline.p99Ms),
    streamsCpuPerWriteVsDynalitePct: relative(streams.cpuMicrosPerWrite, baseline.cpuMicrosPerWrite),
    lambdaReaderThroughputVsStreamsPct: relative(lambdaReader.opsPerSecond, streams.opsPerSecond),
    busyReaderThroughputVsStreamsPct: relative(busyReader.opsPerSecond, streams.opsPerSecond),
  }),
);
