// The embedded DynamoDB in a process of its own (so that it does not share an event loop with
// the code that measures it), in memory, with the table of the root serverless.yml.
// Prints `ready <endpoint> <tableName>`; stops on SIGTERM/SIGINT.
import { fileURLToPath } from 'node:url';
import { readTableDefinitions, startLocalDynamoDB } from '@app/local-dynamodb';

const tables = await readTableDefinitions(fileURLToPath(new URL('../../../serverless.yml', import.meta.url)), { stage: 'local' });
const db = await startLocalDynamoDB({ port: 0, tables, ttlSweepIntervalMs: 0, warn: () => undefined });
console.log(`ready ${db.endpoint} ${tables[0]!.tableName}`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.once('SIGTERM', stop).once('SIGINT', stop);
