import { join } from 'node:path';
import { BENCH_DIR, ROOT_DIR, startChild, TSX_ARGS } from './processes.ts';

export interface Database {
  endpoint: string;
  tableName: string;
  stop(): Promise<void>;
}

/** A fresh, empty embedded DynamoDB in its own process. */
export async function startDatabase(): Promise<Database> {
  const child = startChild('db', process.execPath, [...TSX_ARGS, join(BENCH_DIR, 'src', 'children', 'db.ts')], { cwd: ROOT_DIR });
  const [, endpoint, tableName] = await child.waitFor(/ready (\S+) (\S+)/, 60_000);
  return {
    endpoint: endpoint!,
    tableName: tableName!,
    stop: async () => void (await child.stop()),
  };
}
