// Where each mapping got to in each shard: the sequence number of the last record handled
// (processed, filtered out, or sent to the on-failure destination). Kept in a JSON file so
// that a restart resumes after it, as Lambda's event-source mapping does.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface CheckpointStore {
  get(mapping: string, shardId: string): string | undefined;
  set(mapping: string, shardId: string, sequenceNumber: string): Promise<void>;
}

export async function fileCheckpointStore(path: string | undefined): Promise<CheckpointStore> {
  let data: Record<string, string> = {};
  if (path) {
    try {
      data = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  let writing = Promise.resolve();
  return {
    get: (mapping, shardId) => data[`${mapping} ${shardId}`],
    async set(mapping, shardId, sequenceNumber) {
      data[`${mapping} ${shardId}`] = sequenceNumber;
      if (!path) return;
      // Write whole files one at a time, through a rename, so a crash never leaves half a file.
      writing = writing.then(async () => {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(`${path}.tmp`, JSON.stringify(data, null, 2));
        await rename(`${path}.tmp`, path);
      });
      await writing;
    },
  };
}
