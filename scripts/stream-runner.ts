// The stream consumer's local event-source mapping (npm start runs it beside the API):
// reads the `stream` events of services/stream-consumer/serverless.yml (stage local, through
// `sls print`) and feeds the function from the table's stream at DYNAMODB_ENDPOINT, with
// Lambda's settings and delivery rules. Checkpoints and the on-failure destination's files
// are kept in STREAMS_STATE_DIR (default .local/streams); set it to "" to keep nothing.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStreamMappings, startStreamRunner } from '@app/local-streams';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const rootDir = fileURLToPath(new URL('..', import.meta.url));
const serviceDir = join(rootDir, 'services', 'stream-consumer');

async function main() {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DYNAMODB_ENDPOINT is not set');
  const mappings = await loadStreamMappings(serviceDir, { stage: 'local', slsBin: join(rootDir, 'node_modules', '.bin', 'sls') });
  const stateDir = process.env.STREAMS_STATE_DIR ?? join(rootDir, '.local', 'streams');
  const runner = await startStreamRunner({ serviceDir, mappings, endpoint, stateDir: stateDir || undefined });
  console.log(`[runner] ready: ${mappings.length} stream mapping(s)${stateDir ? `, checkpoints and failed batches in ${stateDir}` : ''}`);
  const signal = await new Promise<string>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
  console.log(`[runner] ${signal}: stopping`);
  await runner.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[runner] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
