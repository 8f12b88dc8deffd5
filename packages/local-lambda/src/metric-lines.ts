// Where a worker thread's metric lines go (see divertMetricLines).
import { createWriteStream, type WriteStream } from 'node:fs';

/** An EMF line: a JSON object whose first key is `_aws` (Powertools Metrics writes it first). */
const METRIC_LINE_START = '{"_aws":';

/**
 * Sends the metric lines written to `stdout` (CloudWatch embedded metric format, one per
 * request) to `file`, and the rest of what is written on as before. Through a worker thread's
 * stdout each line crossed to the main thread (the one serving HTTP and the database) and was
 * printed there: about 0.3 ms of CPU per request across the two threads (a CPU profile of
 * npm start under wrk), and a 450-character line on the terminal for each request. The file is
 * opened for appending: the threads of a reload and of the other service write whole lines to it.
 * Returns the file's stream.
 */
export function divertMetricLines(stdout: { write: (...args: never[]) => boolean }, file: string): WriteStream {
  const metrics = createWriteStream(file, { flags: 'a' });
  const write = stdout.write.bind(stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith(METRIC_LINE_START) ? metrics.write(chunk) : write(chunk, ...rest)) as never;
  // A file that cannot be written (its folder gone): the lines are printed again, with one notice.
  metrics.once('error', (error) => {
    stdout.write = write as never;
    write(`metric lines printed from now on: ${file} cannot be written (${error.message})\n`);
  });
  return metrics;
}
