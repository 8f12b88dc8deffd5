// The stream consumers of bench/streams-cost.ts, run in a worker thread: a consumer is
// another program, so its own work must not run on the writers' event loop. Plain
// JavaScript, so that the worker needs no TypeScript loader. The bench resumes it while
// the writes of its scenario run, and pauses it otherwise.
//
// pace `idle`: never reads (the control); `lambda`: as Lambda's event source mapping polls a shard (4 times a second, up to
//   1000 records, at once again while pages are full); `busy`: back to back, pausing 10 ms
//   only on an empty page.
// client `sdk`: the AWS SDK; `raw`: plain HTTP and JSON.parse, the least a reader can do
//   on its side. The SDK's parsing of records costs the reader far more CPU than the
//   server spends serving them, and on a machine with few cores that CPU is the writers'
//   too: comparing both tells the server's share.
import { parentPort, workerData } from 'node:worker_threads';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';

const { endpoint, StreamArn, pace, client } = workerData;
const streams = new DynamoDBStreamsClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  maxAttempts: 1,
});
let state = 'paused';
let wake = () => undefined;
let records = 0;
parentPort.on('message', (message) => {
  state = message;
  wake();
});

/** GetRecords over plain HTTP (the embedded engine checks that a SigV4 header is there, not the signature). */
async function getRecordsRaw(ShardIterator) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDBStreams_20120810.GetRecords',
      'x-amz-date': '20300101T000000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=bench/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: JSON.stringify({ ShardIterator, Limit: 1000 }),
  });
  return JSON.parse(await response.text());
}

const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
let { ShardIterator } = await streams.send(
  new GetShardIteratorCommand({ StreamArn, ShardId: StreamDescription.Shards[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
);
parentPort.postMessage({ ready: true });
while (state !== 'stop' && ShardIterator) {
  if (state === 'paused' || (pace === 'idle' && state !== 'stop')) {
    await new Promise((resolve) => (wake = resolve));
    continue;
  }
  const page =
    client === 'sdk' ? await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 })) : await getRecordsRaw(ShardIterator);
  const count = page.Records?.length ?? 0;
  records += count;
  ShardIterator = page.NextShardIterator;
  const pause = pace === 'lambda' ? (count === 1000 ? 0 : 250) : count ? 0 : 10;
  if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
}
streams.destroy();
parentPort.postMessage({ records });
