// What the streams layer costs: write throughput and latency against plain dynalite and
// against the embedded engine, without and with a stream on the table, and with stream
// readers alongside (bench/stream-reader.mjs, in a worker thread: an idle one as the
// control, one polling at Lambda's rate with the SDK, the same over plain HTTP, and one
// polling back to back). Same machine, same run, same client settings, same concurrency,
// same bounded number of writes.
//
// All servers run at once and the scenarios take turns, in short slices and in a
// rotating order, so that whatever else the machine does at a given moment weighs on all
// of them alike (a shared machine makes back-to-back runs differ more than the scenarios).
//
//   npm run bench -w @app/local-dynamodb
//   BENCH_OPS=3000 BENCH_SLICES=15 BENCH_CONCURRENCY=16 npm run bench -w @app/local-dynamodb
//
// Prints a table and one JSON line (`{"bench":"streams-cost",...}`).
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, StreamViewType } from '@aws-sdk/client-dynamodb';
import { startLocalDynamoDB } from '../src/server.js';
import { benchClient, inFlight, percentile, relative } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Writes per scenario, after the warm-up. */
const OPS = Number(process.env.BENCH_OPS ?? 3_000);
const SLICES = Number(process.env.BENCH_SLICES ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 300;
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
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function embedded(): Promise<Endpoint> {
  const db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0 });
  return { endpoint: db.endpoint, stop: () => db.stop() };
}

const dynamoDBClient = (endpoint: string): DynamoDBClient => benchClient(endpoint, CONCURRENCY);

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
    return dynamodb.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk },
        UpdateExpression: 'ADD n :one SET touched = :at',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':at': { N: String(index) } },
      }),
    );
  }
  return dynamodb.send(
    new PutItemCommand({ TableName, Item: { pk, body: { S: 'x'.repeat(160) }, index: { N: String(index) }, tags: { SS: ['a', 'b'] } } }),
  );
}

interface Totals {
  latencies: number[];
  seconds: number;
  /** CPU time of the whole process (all threads). */
  cpuMicros: number;
  /** Time the writers' thread (client and server) was busy: its event loop's active time. */
  mainBusyMicros: number;
}

/** Runs writes `from` to `from + count` with CONCURRENCY in flight, adding to `totals`. */
async function run(dynamodb: DynamoDBClient, from: number, count: number, totals: Totals): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  totals.latencies.push(...(await inFlight(CONCURRENCY, from, count, (index) => write(dynamodb, index))));
  const used = process.cpuUsage(cpu);
  totals.seconds += (performance.now() - started) / 1000;
  totals.cpuMicros += used.user + used.system;
  totals.mainBusyMicros += performance.eventLoopUtilization(loop).active * 1000;
}

type Pace = 'lambda' | 'busy' | 'idle';
type ReaderClient = 'sdk' | 'raw';

interface Reader {
  resume(): void;
  pause(): void;
  stop(): Promise<number>;
}

/** bench/stream-reader.mjs in a worker thread, following the stream from TRIM_HORIZON. */
async function startReader(endpoint: string, StreamArn: string, { pace, client }: { pace: Pace; client: ReaderClient }): Promise<Reader> {
  const worker = new Worker(new URL('./stream-reader.mjs', import.meta.url), { workerData: { endpoint, StreamArn, pace, client } });
  await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  return {
    resume: () => worker.postMessage('running'),
    pause: () => worker.postMessage('paused'),
    async stop() {
      const done = new Promise<number>((resolve) => worker.once('message', (message: { records: number }) => resolve(message.records)));
      worker.postMessage('stop');
      const records = await done;
      await worker.terminate();
      return records;
    },
  };
}

interface Scenario {
  name: string;
  start(): Promise<Endpoint>;
  stream?: StreamViewType;
  reader?: { pace: Pace; client: ReaderClient };
}

const scenarios: Scenario[] = [
  { name: 'dynalite', start: plainDynalite },
  { name: 'embedded, no stream', start: embedded },
  { name: 'embedded, stream', start: embedded, stream: 'NEW_AND_OLD_IMAGES' },
  // The control: a reader thread that never reads. What it costs is the thread's presence
  // and measurement noise, not reading.
  { name: 'stream + idle reader thread', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: { pace: 'idle', client: 'raw' } },
  { name: 'stream + Lambda-rate reader', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: { pace: 'lambda', client: 'sdk' } },
  { name: 'stream + Lambda-rate raw', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: { pace: 'lambda', client: 'raw' } },
  { name: 'stream + busy raw reader', start: embedded, stream: 'NEW_AND_OLD_IMAGES', reader: { pace: 'busy', client: 'raw' } },
];

interface Running {
  scenario: Scenario;
  server: Endpoint;
  dynamodb: DynamoDBClient;
  reader?: Reader;
  totals: Totals;
  written: number;
}

interface Row {
  scenario: string;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMicrosPerWrite: number;
  mainBusyMicrosPerWrite: number;
  recordsRead?: number;
  written?: number;
}

async function main(): Promise<void> {
  const running: Running[] = [];
  for (const scenario of scenarios) {
    const server = await scenario.start();
    const dynamodb = dynamoDBClient(server.endpoint);
    const StreamArn = await createTable(dynamodb, scenario.stream);
    const totals: Totals = { latencies: [], seconds: 0, cpuMicros: 0, mainBusyMicros: 0 };
    await run(dynamodb, 0, WARMUP, { latencies: [], seconds: 0, cpuMicros: 0, mainBusyMicros: 0 });
    const reader = scenario.reader ? await startReader(server.endpoint, StreamArn!, scenario.reader) : undefined;
    running.push({ scenario, server, dynamodb, reader, totals, written: WARMUP });
  }
  const slice = Math.ceil(OPS / SLICES);
  for (let round = 0; round < SLICES; round += 1) {
    for (let turn = 0; turn < running.length; turn += 1) {
      const current = running[(turn + round) % running.length]!;
      current.reader?.resume();
      await run(current.dynamodb, current.written, slice, current.totals);
      current.reader?.pause();
      current.written += slice;
    }
  }
  const summary: Row[] = [];
  for (const { scenario, server, dynamodb, reader, totals } of running) {
    const recordsRead = await reader?.stop();
    dynamodb.destroy();
    await server.stop();
    const latencies = totals.latencies.sort((a, b) => a - b);
    summary.push({
      scenario: scenario.name,
      opsPerSecond: Math.round(latencies.length / totals.seconds),
      p50Ms: Number(percentile(latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      cpuMicrosPerWrite: Math.round(totals.cpuMicros / latencies.length),
      mainBusyMicrosPerWrite: Math.round(totals.mainBusyMicros / latencies.length),
      ...(recordsRead === undefined ? {} : { recordsRead, written: WARMUP + latencies.length }),
    });
  }

  const baseline = summary[0]!;
  const byName = (name: string) => summary.find((row) => row.scenario === name)!;
  const streams = byName('embedded, stream');
  console.log(
    `\n${slice * SLICES} writes per scenario (after ${WARMUP} warm-up) in ${SLICES} interleaved slices, ${CONCURRENCY} in flight, Node ${process.version}`,
  );
  console.log(
    "busy: µs per write the writers' thread (SDK client and server) was busy; CPU: µs per write of the whole process (with the reader thread)\n",
  );
  console.log(
    [
      'scenario'.padEnd(30),
      'writes/s'.padStart(9),
      'vs dynalite'.padStart(12),
      'p50 ms'.padStart(8),
      'p99 ms'.padStart(8),
      'busy µs'.padStart(8),
      'CPU µs'.padStart(8),
    ].join(' '),
  );
  for (const row of summary) {
    console.log(
      [
        row.scenario.padEnd(30),
        String(row.opsPerSecond).padStart(9),
        `${relative(row.opsPerSecond, baseline.opsPerSecond)}%`.padStart(12),
        row.p50Ms.toFixed(2).padStart(8),
        row.p99Ms.toFixed(2).padStart(8),
        String(row.mainBusyMicrosPerWrite).padStart(8),
        String(row.cpuMicrosPerWrite).padStart(8),
      ].join(' '),
    );
  }
  console.log(
    JSON.stringify({
      bench: 'streams-cost',
      opsPerScenario: slice * SLICES,
      slices: SLICES,
      concurrency: CONCURRENCY,
      node: process.version,
      results: summary,
      streamsThroughputVsDynalitePct: relative(streams.opsPerSecond, baseline.opsPerSecond),
      streamsP50VsDynalitePct: relative(streams.p50Ms, baseline.p50Ms),
      streamsP99VsDynalitePct: relative(streams.p99Ms, baseline.p99Ms),
      idleReaderThreadThroughputVsStreamsPct: relative(byName('stream + idle reader thread').opsPerSecond, streams.opsPerSecond),
      lambdaReaderThroughputVsStreamsPct: relative(byName('stream + Lambda-rate reader').opsPerSecond, streams.opsPerSecond),
      lambdaRawReaderThroughputVsStreamsPct: relative(byName('stream + Lambda-rate raw').opsPerSecond, streams.opsPerSecond),
      busyReaderThroughputVsStreamsPct: relative(byName('stream + busy raw reader').opsPerSecond, streams.opsPerSecond),
    }),
  );
}

await main();
