// The local event-source mapping: for each stream event of a service's functions, read the
// stream's shards and invoke the function's handler (in this process) with Lambda's event
// shape and Lambda's delivery rules (batch-driver.ts). Works against the embedded DynamoDB
// and any endpoint that speaks the Streams API.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, type Shard } from '@aws-sdk/client-dynamodb-streams';
import { isLocalEndpoint, LOCAL_CREDENTIALS } from '@app/data/local-endpoint';
import { lambdaContext } from '@app/testing/lambda-context';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { driveBatch, type InvokeOutcome } from './batch-driver.js';
import { fileCheckpointStore, type CheckpointStore } from './checkpoints.js';
import { failurePayload, writeFailure } from './destination.js';
import { passesFilters } from './filter.js';
import { handlerModulePath, type StreamMapping } from './mappings.js';
import { toLambdaRecord } from './records.js';
import { readShard } from './shard-reader.js';

export type Invoker = (event: { Records: DynamoDBRecord[] }) => Promise<unknown>;

export interface StreamRunnerOptions {
  serviceDir: string;
  mappings: StreamMapping[];
  endpoint: string;
  region?: string;
  /** Checkpoints and the on-failure destination's files live here; nothing is kept when unset. */
  stateDir?: string;
  pollIntervalMs?: number;
  /** Pause before retry n (1, 2, ...). Lambda backs off; locally a short pause keeps things moving. */
  retryDelayMs?: (attempt: number) => number;
  log?: (line: string) => void;
  /** Calls the function; by default its handler module is imported into this process. */
  invokers?: Record<string, Invoker>;
}

export interface StreamRunner {
  /** The resolved stream of each mapping. */
  streams: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Imports the handler with the function's environment in place, as Lambda's init does. The
 * variables that hold the on-failure destination's address (a queue URL on AWS) get the local
 * destination's instead: a `file:` URL of its folder, or '' when nothing is kept.
 */
async function importInvoker(serviceDir: string, mapping: StreamMapping, failuresDir: string | undefined): Promise<Invoker> {
  for (const [name, value] of Object.entries(mapping.environment))
    if (value !== '' || process.env[name] === undefined) process.env[name] = value;
  for (const name of mapping.onFailureVariables) process.env[name] = failuresDir ? pathToFileURL(failuresDir).href : '';
  const module = (await import(pathToFileURL(handlerModulePath(serviceDir, mapping)).href)) as Record<string, unknown>;
  const handler = module[mapping.handler.exportName];
  if (typeof handler !== 'function')
    throw new Error(`${mapping.functionName}: ${mapping.handler.file} exports no function ${mapping.handler.exportName}`);
  return (event) =>
    (handler as (e: unknown, c: Context) => Promise<unknown>)(
      event,
      lambdaContext({ functionName: mapping.functionName, timeoutMs: mapping.timeoutSeconds * 1000 }),
    );
}

/** `.../stream/latest` names the table's current stream, whatever its label. */
async function resolveStreamArn(arn: string, dynamodb: DynamoDBClient): Promise<string> {
  const latest = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\/latest$/.exec(arn);
  if (!latest) return arn;
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: latest[1] }));
  if (!Table?.LatestStreamArn || Table.StreamSpecification?.StreamEnabled === false)
    throw new Error(`table ${latest[1]} has no stream enabled`);
  return Table.LatestStreamArn;
}

async function listShards(client: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
    shards.push(...(StreamDescription?.Shards ?? []));
    start = StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}

export async function startStreamRunner(options: StreamRunnerOptions): Promise<StreamRunner> {
  const log = options.log ?? ((line: string) => console.log(line));
  const region = options.region ?? 'us-east-1';
  const clientConfig = {
    endpoint: options.endpoint,
    region,
    ...(isLocalEndpoint(options.endpoint) ? { credentials: { ...LOCAL_CREDENTIALS } } : {}),
  };
  const dynamodb = new DynamoDBClient(clientConfig);
  const streamsClient = new DynamoDBStreamsClient(clientConfig);
  const checkpoints: CheckpointStore = await fileCheckpointStore(options.stateDir && join(options.stateDir, 'checkpoints.json'));
  let stopped = false;
  let wake: () => void = () => undefined;
  const stopping = new Promise<void>((resolve) => (wake = resolve));
  const readers: Promise<unknown>[] = [];
  const streams: Record<string, string> = {};

  for (const mapping of options.mappings) {
    const streamArn = await resolveStreamArn(mapping.streamArn, dynamodb);
    streams[mapping.functionName] = streamArn;
    const failuresDir = options.stateDir && join(options.stateDir, 'failures', mapping.functionName);
    const invoke = options.invokers?.[mapping.functionName] ?? (await importInvoker(options.serviceDir, mapping, failuresDir));
    const key = `${mapping.functionName} ${streamArn}`;
    const started = new Set<string>();
    const finished = new Set<string>();

    const runShard = async (shardId: string) => {
      const label = `[${mapping.functionName} ${shardId.slice(-8)}]`;
      const outcome = await readShard({
        client: streamsClient,
        streamArn,
        shardId,
        startingPosition: mapping.startingPosition,
        checkpoint: () => checkpoints.get(key, shardId),
        batchSize: mapping.batchSize,
        batchWindowMs: mapping.batchWindowSeconds * 1000,
        pollIntervalMs: options.pollIntervalMs ?? 50,
        stopped: () => stopped,
        onError: (message) => log(`${label} read error, retrying: ${message}`),
        onBatch: async (fetched) => {
          const all = fetched.map((record) => toLambdaRecord(record, streamArn));
          const delivered = all.filter((record) => passesFilters(mapping.filterPatterns, record));
          if (delivered.length > 0) {
            await driveBatch(delivered, mapping, {
              invoke: async (records): Promise<InvokeOutcome> => {
                try {
                  return { ok: true, response: await invoke({ Records: records }) };
                } catch (error) {
                  return { ok: false, error: error instanceof Error ? error.message : String(error) };
                }
              },
              checkpoint: (sequenceNumber) => checkpoints.set(key, shardId, sequenceNumber),
              deadLetter: async (records, condition, invokeCount, functionError) => {
                const payload = failurePayload({
                  functionName: mapping.functionName,
                  region,
                  condition,
                  invokeCount,
                  functionError,
                  shardId,
                  streamArn,
                  records,
                });
                const where = failuresDir ? await writeFailure(failuresDir, payload) : '(not kept: no state folder)';
                log(`${label} on-failure destination: ${where}`);
              },
              log: (line) =>
                log(`${label} ${line}${all.length > delivered.length ? ` (${all.length - delivered.length} filtered out)` : ''}`),
              delay: (attempt) =>
                new Promise((resolve) => setTimeout(resolve, options.retryDelayMs?.(attempt) ?? Math.min(100 * 2 ** attempt, 2_000))),
              now: () => Date.now(),
            });
          } else {
            log(`${label} ${all.length} records, all filtered out`);
          }
          // Filtered-out records are done too: the checkpoint moves past the whole batch.
          await checkpoints.set(key, shardId, all.at(-1)!.dynamodb!.SequenceNumber!);
        },
      });
      if (outcome === 'closed') finished.add(shardId);
    };

    // Shards are read parents first, as Lambda does, so an item's records stay in order across splits.
    const discover = async () => {
      while (!stopped) {
        try {
          for (const shard of await listShards(streamsClient, streamArn)) {
            const id = shard.ShardId!;
            const parentPending = shard.ParentShardId && started.has(shard.ParentShardId) && !finished.has(shard.ParentShardId);
            if (started.has(id) || parentPending) continue;
            started.add(id);
            readers.push(runShard(id));
          }
        } catch (error) {
          log(`[${mapping.functionName}] cannot describe the stream, retrying: ${(error as Error).message}`);
        }
        // A timer cleared on stop, so that a stopped runner leaves nothing pending behind it.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1_000);
          void stopping.then(() => (clearTimeout(timer), resolve()));
        });
      }
    };
    readers.push(discover());
    log(
      `[${mapping.functionName}] reading ${streamArn} (batch ${mapping.batchSize}, window ${mapping.batchWindowSeconds} s, from ${mapping.startingPosition}${mapping.filterPatterns.length ? `, ${mapping.filterPatterns.length} filter patterns` : ''})`,
    );
  }

  return {
    streams,
    async stop() {
      stopped = true;
      wake();
      await Promise.allSettled(readers);
      dynamodb.destroy();
      streamsClient.destroy();
    },
  };
}
