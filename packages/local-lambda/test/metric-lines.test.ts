// A worker thread's metric lines go to their file; everything else is written on unchanged.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { divertMetricLines } from '../src/metric-lines.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metric-lines-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('appends the EMF lines to the file and writes the rest to the stream', async () => {
  // Prepare
  const file = join(dir, 'metrics.ndjson');
  const written: unknown[] = [];
  const stdout = { write: (chunk: unknown) => written.push(chunk) > 0 };
  const metricLine = '{"_aws":{"Timestamp":1},"Requests":1}\n';

  // Act
  const metrics = divertMetricLines(stdout, file);
  stdout.write(metricLine as never);
  stdout.write('a log line\n' as never);
  stdout.write(Buffer.from('{"_aws":"bytes are written on"}\n') as never);
  stdout.write('{"message":"_aws later in the line"}\n' as never);
  await new Promise((resolve) => metrics.end(resolve));

  // Assess
  expect(await readFile(file, 'utf8')).toBe(metricLine);
  expect(written.map(String)).toEqual(['a log line\n', '{"_aws":"bytes are written on"}\n', '{"message":"_aws later in the line"}\n']);
});

it('prints the metric lines again, with a notice, when the file cannot be written', async () => {
  // Prepare
  const written: unknown[] = [];
  const stdout = { write: (chunk: unknown) => written.push(chunk) > 0 };
  const metrics = divertMetricLines(stdout, join(dir, 'missing-folder', 'metrics.ndjson'));

  // Act
  await new Promise((resolve) => metrics.once('error', resolve));
  stdout.write('{"_aws":{"Timestamp":2},"Requests":1}\n' as never);

  // Assess
  expect(written.map(String)).toEqual([
    expect.stringMatching(/^metric lines printed from now on: .*missing-folder\/metrics\.ndjson cannot be written \(ENOENT/),
    '{"_aws":{"Timestamp":2},"Requests":1}\n',
  ]);
});
