// What the benches of this package share: a client with a bounded pool of kept-alive
// sockets and no retries, and the figures they print.
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export function benchClient(endpoint: string, concurrency: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: concurrency } }),
  });
}

/** The `p`th percentile of sorted values. */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** How much `value` differs from `reference`, in percent with one decimal. */
export const relative = (value: number, reference: number): number => Number(((value / reference - 1) * 100).toFixed(1));

/** Sends requests `from` to `from + count`, `concurrency` at a time; the latency of each, in ms. */
export async function inFlight(
  concurrency: number,
  from: number,
  count: number,
  send: (index: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + count) {
        const index = next++;
        const at = performance.now();
        await send(index);
        latencies.push(performance.now() - at);
      }
    }),
  );
  return latencies;
}
