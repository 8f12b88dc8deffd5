// npm run db: the embedded DynamoDB alone on 127.0.0.1:$DB_PORT (default 8000) with the
// tables of the root serverless.yml (stage `local`); data in $STATE_DIR/dynamodb (.local) unless
// DB_IN_MEMORY=1 or --in-memory. Ctrl+C stops it.
import { fileURLToPath } from 'node:url';
import { inMemoryRequested, runDbCli } from '@app/local-dynamodb';
import { envPort } from './lib/ports.ts';

// Lambda runs Node 22; a developer on Node 20.19+ needs no SDK deprecation notice on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const rootDir = fileURLToPath(new URL('..', import.meta.url));

let port: number;
try {
  port = envPort('DB_PORT', 8000);
} catch (error) {
  console.error(`[db] ${(error as Error).message}`);
  process.exit(1);
}

process.exitCode = await runDbCli({ rootDir, port, inMemory: inMemoryRequested(), stateDir: process.env.STATE_DIR || undefined });
