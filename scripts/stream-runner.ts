// The stream consumer alone (npm run stream -w @app/stream-consumer; npm start runs the same
// beside the API): the `stream` events of services/stream-consumer/serverless.yml (stage
// local) fed from the table's stream at DYNAMODB_ENDPOINT, with Lambda's settings and
// delivery rules. Checkpoints and failed batches are kept in $STATE_DIR/streams
// (lib/local-env.ts). Readiness goes to a parent with an IPC channel as {type: 'ready'};
// the exit code says how it ended (0 after SIGINT/SIGTERM, 1 when it could not start).
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startConsumer } from './lib/consumer.ts';
import { describeLocalEnv, functionEnv, localEnv } from './lib/local-env.ts';
import { openService } from './lib/service.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const log = (line: string) => console.log(`[consumer] ${line}`);

async function main(): Promise<number> {
  // Listened for from the start: Ctrl+C while it starts stops it cleanly too.
  const signalled = new Promise<string>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  const layout = localEnv();
  const endpoint = layout.externalEndpoint;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set (the table whose stream to read)');
  // Its metric lines beside npm start's (appended: npm start empties the file when it starts).
  await mkdir(dirname(layout.metricsFile), { recursive: true });
  const service = await openService({
    layout,
    name: 'stream-consumer',
    env: functionEnv(endpoint),
    output: log,
    metricsFile: layout.metricsFile,
  });
  const consumer = await startConsumer({ layout, service, endpoint, log });
  log(
    `ready: ${consumer.mappings} stream mapping(s)${layout.streamsDir ? `, checkpoints and failed batches in ${layout.streamsDir}` : ''}; metric lines in ${layout.metricsFile}`,
  );
  process.send?.({ type: 'ready', mappings: consumer.mappings, layout: describeLocalEnv(layout) });
  log(`${await signalled}: stopping`);
  await consumer.stop();
  await service.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[consumer] ${message}`);
    process.send?.({ type: 'failed', message });
    process.exit(1);
  },
);
