// Reads one shard as Lambda's poller does: from the checkpoint (or the starting position),
// gathering up to batchSize records or until the batching window closes, and hands each
// batch on; it follows the shard until it closes.
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';

export interface ShardReaderOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  shardId: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  checkpoint: () => string | undefined;
  batchSize: number;
  batchWindowMs: number;
  pollIntervalMs: number;
  /** Handles a batch completely (retries included); the reader waits for it. */
  onBatch: (records: StreamsRecord[]) => Promise<void>;
  onError: (message: string) => void;
  stopped: () => boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves when the shard is closed and read to its end, or when stopped. */
export async function readShard(o: ShardReaderOptions): Promise<'closed' | 'stopped'> {
  let iterator: string | undefined;
  let pending: StreamsRecord[] = [];
  let windowStart = 0;

  const newIterator = async () => {
    const after = o.checkpoint();
    const type: ShardIteratorType = after ? 'AFTER_SEQUENCE_NUMBER' : o.startingPosition;
    try {
      const out = await o.client.send(
        new GetShardIteratorCommand({
          StreamArn: o.streamArn,
          ShardId: o.shardId,
          ShardIteratorType: type,
          ...(after ? { SequenceNumber: after } : {}),
        }),
      );
      return out.ShardIterator;
    } catch (error) {
      // The checkpoint fell out of the stream's retention: carry on from the oldest record.
      if ((error as Error).name === 'TrimmedDataAccessException') {
        const out = await o.client.send(
          new GetShardIteratorCommand({ StreamArn: o.streamArn, ShardId: o.shardId, ShardIteratorType: 'TRIM_HORIZON' }),
        );
        return out.ShardIterator;
      }
      throw error;
    }
  };

  while (!o.stopped()) {
    try {
      iterator ??= await newIterator();
      if (!iterator) return 'closed';
      const out = await o.client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(1000, o.batchSize - pending.length || 1) }),
      );
      const records = out.Records ?? [];
      if (records.length > 0 && pending.length === 0) windowStart = Date.now();
      pending.push(...records);
      iterator = out.NextShardIterator;
      const windowOver = Date.now() - windowStart >= o.batchWindowMs;
      if (pending.length > 0 && (pending.length >= o.batchSize || windowOver || !iterator)) {
        const batch = pending;
        pending = [];
        await o.onBatch(batch);
        // Read on from the new checkpoint: the batch may have ended in the on-failure destination.
        iterator = await newIterator();
        continue;
      }
      if (!iterator) return 'closed';
      if (records.length === 0) await sleep(pending.length > 0 ? Math.min(o.pollIntervalMs, o.batchWindowMs) : o.pollIntervalMs);
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ExpiredIteratorException') {
        iterator = undefined;
        continue;
      }
      o.onError(`${name}: ${(error as Error).message}`);
      iterator = undefined;
      pending = [];
      await sleep(1_000);
    }
  }
  return 'stopped';
}
