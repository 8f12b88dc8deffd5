// Saved files arrive as one batch of absolute paths; ignored folders never do.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { eventually } from '@app/testing';
import { watchFiles, type Watch } from '../src/index.js';

let dir: string;
let watch: Watch;
const batches: string[][] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'watch-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'node_modules'));
  watch = await watchFiles({ dirs: [dir], onChange: (files) => batches.push(files) });
});
afterAll(async () => {
  await watch.close();
  await rm(dir, { recursive: true, force: true });
});

it('reports saved files by absolute path, and nothing under an ignored folder', async () => {
  // Act
  await writeFile(join(dir, 'node_modules', 'x.js'), '1');
  await writeFile(join(dir, 'src', 'a.ts'), '1');
  await writeFile(join(dir, 'src', 'b.ts'), '2');

  // Assess
  await eventually(() => (batches.flat().length >= 2 ? true : undefined), { timeoutMs: 5_000, description: 'the saved files' });
  expect([...new Set(batches.flat())].sort()).toEqual([join(dir, 'src', 'a.ts'), join(dir, 'src', 'b.ts')]);
});
