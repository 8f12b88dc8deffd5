// npm run db: the embedded DynamoDB alone on 127.0.0.1:$DB_PORT (default 8000) with the
// tables of the root serverless.yml (stage `local`); data in $STATE_DIR/dynamodb (.local) unless
// DB_IN_MEMORY=1 or --in-memory. Ctrl+C stops it. The variables are read as npm start reads
// them (lib/local-env.ts).
import { runDbCli } from '@app/local-dynamodb';
import { localEnv, type LocalEnv } from './lib/local-env.ts';

// Lambda runs Node 22; a developer on Node 20.19+ needs no SDK deprecation notice on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

let layout: LocalEnv;
try {
  layout = localEnv({ ...process.env, DYNAMODB_ENDPOINT: '' });
} catch (error) {
  console.error(`[db] ${(error as Error).message}`);
  process.exit(1);
}

process.exitCode = await runDbCli({ rootDir: layout.rootDir, port: layout.dbPort, inMemory: layout.inMemory, stateDir: layout.stateDir });
