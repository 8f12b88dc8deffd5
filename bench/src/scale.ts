// 10. Scale: where DynamoDB's per-partition ceilings (1,000 write and 3,000 read units per second
// per partition key value) stop one tenant's task churn, before and after issue 17's rework.
//
// The embedded DynamoDB runs with its throughput limits on, in this process, on a clock the
// bench moves: a step offers `rate` task changes per second for `stepSeconds` of that clock, in
// ticks of `tickMs`, and the stream consumer applies the step's records tick by tick. The rate is
// what the clock says, not what this machine can push (2 cores run a few hundred changes a
// second), so the onset of throttling is DynamoDB's arithmetic on each design's keys, run by the
// real code. Partition budgets hold `burstSeconds` of unused capacity (DynamoDB: none above the
// ceiling; the engine's default is one second), so that a short step shows the sustained rate.
//
// For each design (scale-designs.ts): one project, then `manyProjects` projects, each ramp going
// up step by step until a step is throttled: the onset rate (the changes go to the projects in
// turn, an even spread, and to random tasks of them, in a random mix). Per step: throttled requests (the
// API's and the consumer's, and the partition keys that throttled), consumer lag (the clock time
// from a record's write to its successful application; a throttled consumer retries at the next
// tick, as Lambda retries a batch), and whether every project's counts equal its tasks once the
// consumer has drained. Then reads of a hot list (GET /projects/{id}/tasks and GET /projects),
// step by step the same way.
import { fileURLToPath } from 'node:url';
import { createDocumentClient, type TaskCounts } from '@app/data';
import { readTableDefinitions, startLocalDynamoDB, type LocalDynamoDB } from '@app/local-dynamodb';
import { toLambdaRecord } from '@app/local-streams';
import type { TaskStatus } from '@app/schema';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { counterOnProjectDesign, currentDesign, type Design, type DesignName } from './scale-designs.ts';
import { round, summarize } from './stats.ts';

export const SCALE_TARGET_RATIO = 10;

export interface ScaleOptions {
  /** Offered task changes per second of one tenant, step by step. */
  rates: number[];
  /** Offered list reads per second, step by step. */
  readRates: number[];
  manyProjects: number;
  stepSeconds: number;
  tickMs: number;
  burstSeconds: number;
  log: (line: string) => void;
}

export interface ScaleStep {
  rate: number;
  changes: number;
  apiThrottled: number;
  consumerThrottled: number;
  /** The partition keys throttled, most throttled first (at most three). */
  throttledKeys: string[];
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  lagMaxMs: number | null;
  countsExact: boolean;
}

export interface ScaleRamp {
  design: DesignName;
  kind: 'churn' | 'tasksList' | 'projectsList';
  projects: number;
  steps: ScaleStep[];
  /** The lowest rate throttled; null when no step was. */
  onsetRate: number | null;
  /** The highest rate of a step with no throttling before the onset. */
  lastCleanRate: number | null;
}

export interface ScaleFigure {
  ramps: ScaleRamp[];
  /** current's onset over counterOnProject's, many projects (a lower bound, `atLeast`, when current was never throttled). */
  churnRatio: { value: number | null; atLeast: boolean };
  countsExact: boolean;
  met: boolean;
}

/** The ratio of two ramps' onsets: when `after` was never throttled, its last clean rate is a lower bound. */
export function onsetRatio(before: ScaleRamp, after: ScaleRamp): { value: number | null; atLeast: boolean } {
  if (before.onsetRate === null) return { value: null, atLeast: false };
  const afterRate = after.onsetRate ?? after.lastCleanRate;
  if (afterRate === null) return { value: null, atLeast: false };
  return { value: round(afterRate / before.onsetRate, 1), atLeast: after.onsetRate === null };
}

/** Onset and last clean rate of a ramp's steps, in the order they ran. */
export function onsetOf(steps: readonly Pick<ScaleStep, 'rate' | 'apiThrottled' | 'consumerThrottled'>[]) {
  let lastCleanRate: number | null = null;
  for (const step of steps) {
    if (step.apiThrottled + step.consumerThrottled > 0) return { onsetRate: step.rate, lastCleanRate };
    lastCleanRate = step.rate;
  }
  return { onsetRate: null, lastCleanRate };
}

/** Rates from `from` up to `to`, each √2 times the one before. */
export const rampRates = (from: number, to: number): number[] => {
  const rates: number[] = [];
  for (let i = 0; from * 2 ** (i / 2) <= to * 1.0001; i++) rates.push(Math.round(from * 2 ** (i / 2)));
  return rates;
};

export function isThrottling(error: unknown): boolean {
  const { name, CancellationReasons } = (error ?? {}) as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException') return true;
  return (
    name === 'TransactionCanceledException' &&
    (CancellationReasons ?? []).some((reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded')
  );
}

const NEXT_STATUS: Record<TaskStatus, TaskStatus> = { open: 'in_progress', in_progress: 'done', done: 'open' };

/** A small seeded generator (mulberry32), so every run offers the same sequence of changes. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The table's stream, read to its end on each call, in record order per shard. */
class StreamTail {
  private readonly positions = new Map<string, string>();
  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
  ) {}

  async read(): Promise<DynamoDBRecord[]> {
    const { StreamDescription } = await this.client.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    const records: DynamoDBRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      const after = this.positions.get(shard.ShardId!);
      let { ShardIterator: iterator } = await this.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shard.ShardId!,
          ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
          ...(after ? { SequenceNumber: after } : {}),
        }),
      );
      while (iterator) {
        const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const batch: StreamsRecord[] = page.Records ?? [];
        if (batch.length === 0) break;
        for (const record of batch) records.push(toLambdaRecord(record, this.streamArn));
        this.positions.set(shard.ShardId!, batch.at(-1)!.dynamodb!.SequenceNumber!);
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }
}

/** The clock the engine's budgets run on, moved by the bench. */
class Clock {
  now = Date.parse('2026-06-01T00:00:00.000Z');
  advance(ms: number) {
    this.now += ms;
  }
}

interface Pending {
  record: DynamoDBRecord;
  seenAt: number;
}

/** The stream consumer, tick by tick: applies records in order, and stops at a throttled one until the next tick. */
class ConsumerDriver {
  private readonly queue: Pending[] = [];
  throttled = 0;
  readonly lags: number[] = [];
  constructor(
    private readonly tail: StreamTail,
    private readonly clock: Clock,
  ) {}

  get pending(): number {
    return this.queue.length;
  }

  async tick(design: Design): Promise<void> {
    for (const record of await this.tail.read()) this.queue.push({ record, seenAt: this.clock.now });
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      try {
        await design.consume(head.record);
      } catch (error) {
        if (!isThrottling(error)) throw error;
        this.throttled++;
        return;
      }
      this.lags.push(this.clock.now - head.seenAt);
      this.queue.shift();
    }
  }

  reset() {
    this.throttled = 0;
    this.lags.length = 0;
  }
}

interface Harness {
  db: LocalDynamoDB;
  clock: Clock;
  consumer: ConsumerDriver;
  client: DynamoDBDocumentClient;
  designs: Record<DesignName, Design>;
}

async function startHarness(burstSeconds: number): Promise<Harness & { stop(): Promise<void> }> {
  const clock = new Clock();
  const tables = await readTableDefinitions(fileURLToPath(new URL('../../serverless.yml', import.meta.url)), { stage: 'local' });
  const db = await startLocalDynamoDB({
    port: 0,
    tables,
    ttlSweepIntervalMs: 0,
    warn: () => undefined,
    now: () => clock.now,
    throughputLimits: { partitionBurstSeconds: burstSeconds },
  });
  const tableName = tables[0]!.tableName;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  // One attempt per call: a throttled request is counted, not retried behind the bench's back.
  const client = createDocumentClient({ endpoint: db.endpoint, region: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 30_000 });
  const raw = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials });
  const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
  raw.destroy();
  const streams = new DynamoDBStreamsClient({ endpoint: db.endpoint, region: 'us-east-1', credentials });
  const consumer = new ConsumerDriver(new StreamTail(streams, Table!.LatestStreamArn!), clock);
  const designs = { counterOnProject: await counterOnProjectDesign(client, tableName), current: await currentDesign(client, tableName) };
  return {
    db,
    clock,
    consumer,
    client,
    designs,
    async stop() {
      client.destroy();
      streams.destroy();
      await db.stop();
    },
  };
}

/** Runs `fns` with at most `limit` in flight. */
async function inFlight<T>(fns: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(fns.length);
  let next = 0;
  const worker = async () => {
    while (next < fns.length) {
      const i = next++;
      results[i] = await fns[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, fns.length) }, worker));
  return results;
}

/** Ticks with no load until the consumer has applied everything (at most a minute of the clock). */
async function drain(h: Harness, design: Design, tickMs: number): Promise<void> {
  for (let i = 0; i < 60_000 / tickMs; i++) {
    await h.consumer.tick(design);
    if (h.consumer.pending === 0) return;
    h.clock.advance(tickMs);
  }
  throw new Error(`the consumer did not drain within a minute (${h.consumer.pending} records left)`);
}

/** Projects for a step, created well apart on the clock, with the consumer drained and every budget refilled. */
async function setUp(h: Harness, design: Design, tenantId: string, projects: number, tickMs: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < projects; i++) {
    ids.push(await design.createProject(tenantId, `Scale ${i}`));
    h.clock.advance(20);
  }
  await drain(h, design, tickMs);
  h.clock.advance(2_000);
  h.db.throughput!.reset();
  h.consumer.reset();
  return ids;
}

function throttledKeys(h: Harness): string[] {
  return h.db
    .throughput!.stats()
    .throttledPartitions.sort((a, b) => b.readThrottleEvents + b.writeThrottleEvents - (a.readThrottleEvents + a.writeThrottleEvents))
    .slice(0, 3)
    .map((p) => `${p.indexName ? `${p.indexName}:` : ''}${Object.values(p.partitionKey)[0]} (${p.writeThrottleEvents ? 'write' : 'read'})`);
}

const lagFigures = (lags: number[]) => {
  if (lags.length === 0) return { lagP50Ms: null, lagP99Ms: null, lagMaxMs: null };
  const s = summarize(lags);
  return { lagP50Ms: round(s.p50, 0), lagP99Ms: round(s.p99, 0), lagMaxMs: round(s.max, 0) };
};

/** One step of task churn: `rate` changes a second over `projects` projects of a fresh tenant. */
async function churnStep(h: Harness, design: Design, projects: number, rate: number, o: ScaleOptions): Promise<ScaleStep> {
  const tenantId = `scale-${design.name}-${projects}-${rate}`;
  const projectIds = await setUp(h, design, tenantId, projects, o.tickMs);
  const next = random(rate * 7919 + projects);
  const live = projectIds.map(() => new Map<string, TaskStatus>());
  const busy = new Set<string>();
  let apiThrottled = 0;
  let changes = 0;
  let owed = 0;
  const ticks = Math.round((o.stepSeconds * 1000) / o.tickMs);
  for (let tick = 0; tick < ticks; tick++) {
    owed += (rate * o.tickMs) / 1000;
    const count = Math.floor(owed);
    owed -= count;
    const ops: (() => Promise<void>)[] = [];
    for (let i = 0; i < count; i++) {
      // Round the projects in turn: the tenant's churn spread evenly, as docs/scale.md's arithmetic
      // has it. (Drawn at random, 32 projects each see bursts of twice their share within a tick,
      // which a budget of 0.1 s cannot absorb: the ramp would show that noise, not the ceiling.)
      const p = (changes + i) % projects;
      const projectId = projectIds[p]!;
      const tasks = live[p]!;
      const idle = [...tasks.keys()].filter((id) => !busy.has(id));
      const roll = next();
      const run = async (fn: () => Promise<void>) => {
        try {
          await fn();
        } catch (error) {
          if (!isThrottling(error)) throw error;
          apiThrottled++;
        }
      };
      if (idle.length < 3 || roll < 0.4) {
        ops.push(() => run(async () => void tasks.set(await design.createTask(tenantId, projectId, `Task ${changes + i}`), 'open')));
      } else {
        const taskId = idle[Math.floor(next() * idle.length)]!;
        busy.add(taskId);
        const status = NEXT_STATUS[tasks.get(taskId)!];
        ops.push(() =>
          run(async () => {
            if (roll < 0.8) {
              await design.setStatus(tenantId, projectId, taskId, status);
              tasks.set(taskId, status);
            } else {
              await design.deleteTask(tenantId, projectId, taskId);
              tasks.delete(taskId);
            }
          }).finally(() => busy.delete(taskId)),
        );
      }
    }
    changes += count;
    await inFlight(ops, 16);
    await h.consumer.tick(design);
    h.clock.advance(o.tickMs);
  }
  const keys = throttledKeys(h);
  await drain(h, design, o.tickMs);
  let countsExact = true;
  for (const [p, projectId] of projectIds.entries()) {
    const expected: TaskCounts = { total: 0, open: 0, in_progress: 0, done: 0 };
    for (const status of live[p]!.values()) {
      expected.total++;
      expected[status]++;
    }
    const actual = await design.counts(tenantId, projectId);
    if ((Object.keys(expected) as (keyof TaskCounts)[]).some((k) => actual[k] !== expected[k])) countsExact = false;
  }
  return {
    rate,
    changes,
    apiThrottled,
    consumerThrottled: h.consumer.throttled,
    throttledKeys: keys,
    ...lagFigures(h.consumer.lags),
    countsExact,
  };
}

/** One step of list reads: `rate` first pages a second of one list, GET /projects/{id}/tasks or GET /projects. */
async function readStep(h: Harness, design: Design, kind: 'tasksList' | 'projectsList', rate: number, o: ScaleOptions): Promise<ScaleStep> {
  const tenantId = `scale-${design.name}-${kind}-${rate}`;
  const [projectId] = await setUp(h, design, tenantId, kind === 'projectsList' ? 21 : 1, o.tickMs);
  if (kind === 'tasksList') {
    for (let i = 0; i < 21; i++) {
      await design.createTask(tenantId, projectId!, `Listed ${i}`);
      h.clock.advance(20);
    }
    await drain(h, design, o.tickMs);
    h.clock.advance(2_000);
    h.db.throughput!.reset();
  }
  let throttled = 0;
  let reads = 0;
  let owed = 0;
  for (let tick = 0; tick < Math.round((o.stepSeconds * 1000) / o.tickMs); tick++) {
    owed += (rate * o.tickMs) / 1000;
    const count = Math.floor(owed);
    owed -= count;
    const read = () => (kind === 'tasksList' ? design.listTasks(tenantId, projectId!, 20) : design.listProjects(tenantId, 20));
    await inFlight(
      Array.from(
        { length: count },
        () => () => read().then(undefined, (error: unknown) => void (isThrottling(error) ? throttled++ : Promise.reject(error))),
      ),
      16,
    );
    reads += count;
    h.clock.advance(o.tickMs);
  }
  return {
    rate,
    changes: reads,
    apiThrottled: throttled,
    consumerThrottled: 0,
    throttledKeys: throttledKeys(h),
    ...lagFigures([]),
    countsExact: true,
  };
}

async function ramp(
  h: Harness,
  design: Design,
  kind: ScaleRamp['kind'],
  projects: number,
  rates: number[],
  o: ScaleOptions,
): Promise<ScaleRamp> {
  const steps: ScaleStep[] = [];
  for (const rate of rates) {
    const step = kind === 'churn' ? await churnStep(h, design, projects, rate, o) : await readStep(h, design, kind, rate, o);
    steps.push(step);
    o.log(
      `scale ${design.name} ${kind} ${projects} project(s) @${rate}/s: ${step.apiThrottled} + ${step.consumerThrottled} throttled${step.throttledKeys.length ? ` (${step.throttledKeys[0]})` : ''}, lag p99 ${step.lagP99Ms ?? '–'} ms, counts ${step.countsExact ? 'exact' : 'WRONG'}`,
    );
    if (step.apiThrottled + step.consumerThrottled > 0) break;
  }
  return { design: design.name, kind, projects, steps, ...onsetOf(steps) };
}

export async function measureScale(o: ScaleOptions): Promise<ScaleFigure> {
  const h = await startHarness(o.burstSeconds);
  try {
    const ramps: ScaleRamp[] = [];
    for (const design of [h.designs.counterOnProject, h.designs.current]) {
      for (const projects of [1, o.manyProjects]) ramps.push(await ramp(h, design, 'churn', projects, o.rates, o));
      for (const kind of ['tasksList', 'projectsList'] as const) ramps.push(await ramp(h, design, kind, 1, o.readRates, o));
    }
    const find = (design: DesignName) => ramps.find((r) => r.design === design && r.kind === 'churn' && r.projects === o.manyProjects)!;
    const churnRatio = onsetRatio(find('counterOnProject'), find('current'));
    const countsExact = ramps.every((r) => r.steps.every((s) => s.countsExact));
    return { ramps, churnRatio, countsExact, met: countsExact && churnRatio.value !== null && churnRatio.value >= SCALE_TARGET_RATIO };
  } finally {
    await h.stop();
  }
}
