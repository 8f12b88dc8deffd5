// Saved files, as batches of absolute paths: @parcel/watcher (inotify on Linux, FSEvents on
// macOS), the native watcher jest's haste map uses. Editors save in steps (a temporary file,
// a rename): events closer than `settleMs` come as one batch.
import { relative, sep } from 'node:path';
import watcher from '@parcel/watcher';

export interface WatchOptions {
  /** Folders (absolute) to watch, each recursively. */
  dirs: readonly string[];
  /** Path segments never watched (matched against each part of a path). */
  ignoreNames?: readonly string[];
  settleMs?: number;
  onChange: (files: string[]) => void;
  onError?: (error: Error) => void;
}

export interface Watch {
  close(): Promise<void>;
}

/** Generated, installed and built files, and what the local stack writes itself. */
export const IGNORED_NAMES = ['node_modules', '.git', '.local', 'dist', 'coverage', '.turbo', '.serverless', '.esbuild', '.build'];

export async function watchFiles(options: WatchOptions): Promise<Watch> {
  const ignored = new Set(options.ignoreNames ?? IGNORED_NAMES);
  let batch = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const files = [...batch];
    batch = new Set();
    if (files.length > 0) options.onChange(files);
  };
  const subscriptions = await Promise.all(
    options.dirs.map((dir) =>
      watcher.subscribe(
        dir,
        (error, events) => {
          if (error) {
            options.onError?.(error);
            return;
          }
          for (const event of events) {
            if (
              relative(dir, event.path)
                .split(sep)
                .some((part) => ignored.has(part))
            )
              continue;
            batch.add(event.path);
          }
          if (batch.size > 0 && !timer) timer = setTimeout(flush, options.settleMs ?? 25);
        },
        { ignore: [...ignored] },
      ),
    ),
  );
  return {
    async close() {
      if (timer) clearTimeout(timer);
      await Promise.all(subscriptions.map((subscription) => subscription.unsubscribe()));
    },
  };
}
