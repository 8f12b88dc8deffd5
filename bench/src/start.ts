// 9. Start and reload: how long a developer waits, on a copy of the repository (so that its
// build caches start empty and its sources can be edited):
//   - first start on a fresh build (`npm start`: its build step, no bundles or resolved
//     configurations cached yet) to the first 200 on :PORT;
//   - warm `npm start` to the first 200, and scripts/start.ts alone to the first 200 and to its
//     ready report (IPC: the stream consumer reads the stream), p50 over several runs;
//   - save-to-new-code: a handler's response text edited, then packages/data (every function
//     bundles it), timed from the write to the first response that shows the change, p50;
// each beside `sls offline` alone on the same service, the reference (it reloads nothing:
// with useInProcess, new code needs a restart, i.e. its start time).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLocalIssuer } from '@app/local-auth';
import { copyRepository, freePort } from '@app/testing';
import { median, round } from './stats.ts';
import { ROOT_DIR } from './support/processes.ts';
import { firstAnswer, spawnSlsOffline, spawnStack, startStack } from './support/stack.ts';

export const START_TARGETS = { warmFirst200Ms: 2_000, consumerReadyMs: 3_000, reloadP50Ms: 1_000 };

export interface StartFigures {
  runs: number;
  ours: {
    freshFirst200Ms: number;
    warmFirst200Ms: number;
    /** scripts/start.ts alone (no npm, no build step): from its spawn to the first 200, and to its ready report (the consumer reads the stream). */
    scriptFirst200Ms: number;
    consumerReadyMs: number;
    reloadHandlerMs: number;
    reloadDataMs: number;
  };
  slsOffline: { freshFirst200Ms: number; warmFirst200Ms: number; reload: string };
  samples: Record<string, number[]>;
}

const HANDLER = 'services/api/src/handlers/fallback/not-found.ts';
const DATA = 'packages/data/src/table.ts';
const p50 = (values: number[]) => round(median(values), 0);

export async function measureStart(options: { runs: number; log: (line: string) => void }): Promise<StartFigures> {
  const { runs, log } = options;
  const repo = await copyRepository(ROOT_DIR);
  const samples: Record<string, number[]> = {};
  const sample = (name: string, ms: number) => {
    (samples[name] ??= []).push(round(ms, 0));
    log(`start: ${name} ${round(ms, 0)} ms`);
  };
  try {
    const [apiPort, dbPort, httpPort, lambdaPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const ports = { rootDir: repo.dir, apiPort, dbPort };
    const openapi = (base: string) => `${base}/openapi.json`;
    const ok = (status: number) => status === 200;

    // npm start: the first one builds everything, then warm ones.
    for (let run = 0; run <= runs; run++) {
      const stack = spawnStack({ ...ports, viaNpm: true });
      try {
        const at = await firstAnswer(openapi(stack.apiUrl), ok, { timeoutMs: 300_000 });
        sample(run === 0 ? 'freshFirst200' : 'warmFirst200', at - stack.spawnedAt);
      } finally {
        await stack.stop();
      }
    }
    // scripts/start.ts itself: when it serves, and when it reports the API and the consumer ready.
    for (let run = 0; run < runs; run++) {
      const stack = spawnStack(ports);
      try {
        const at = await firstAnswer(openapi(stack.apiUrl), ok, { timeoutMs: 120_000 });
        // The ready message comes once the consumer reads the stream (and the watcher runs).
        const ready = await stack.child.message((m) => m.type === 'ready', 120_000);
        sample('scriptFirst200', at - stack.spawnedAt);
        sample('consumerReady', ready.at - stack.spawnedAt);
      } finally {
        await stack.stop();
      }
    }

    // Save to new code, on one running stack.
    const stack = await startStack(ports);
    const original = { handler: readFileSync(join(repo.dir, HANDLER), 'utf8'), data: readFileSync(join(repo.dir, DATA), 'utf8') };
    try {
      const issuer = await loadLocalIssuer(stack.layout.authDir);
      const headers = {
        authorization: `Bearer ${await issuer.sign({ subject: 'bench', tenant: 'bench-start' })}`,
        'content-type': 'application/json',
      };
      for (const name of ['first', 'second'])
        await fetch(`${stack.apiUrl}/projects`, { method: 'POST', headers, body: JSON.stringify({ name }) });
      await fetch(`${stack.apiUrl}/nothing-here`, { headers }); // notFound loaded before the first edit
      for (let run = 0; run < runs; run++) {
        const marker = `Nothing here (bench run ${run}).`;
        const written = performance.now();
        writeFileSync(join(repo.dir, HANDLER), original.handler.replace("'No resource at this path.'", `'${marker}'`));
        const at = await firstAnswer(`${stack.apiUrl}/nothing-here`, (_, body) => body.includes(marker), {
          timeoutMs: 30_000,
          intervalMs: 5,
          headers,
        });
        sample('reloadHandler', at - written);
      }
      for (let run = 0; run < runs; run++) {
        // Pages of one item, then of the default size again: each save changes what GET /projects shows.
        const onePerPage = run % 2 === 0;
        const written = performance.now();
        writeFileSync(
          join(repo.dir, DATA),
          onePerPage ? original.data.replace('Items.slice(0, q.limit)', 'Items.slice(0, 1)') : original.data,
        );
        const at = await firstAnswer(
          `${stack.apiUrl}/projects`,
          (status, body) => status === 200 && (JSON.parse(body) as { items: unknown[] }).items.length === (onePerPage ? 1 : 2),
          { timeoutMs: 30_000, intervalMs: 5, headers },
        );
        sample('reloadData', at - written);
      }
    } finally {
      await stack.stop();
    }

    // The reference: sls offline alone on the copy's services/api (it builds every function before it serves).
    for (let run = 0; run <= Math.min(runs, 3); run++) {
      const spawnedAt = performance.now();
      const offline = spawnSlsOffline({
        serviceDir: join(repo.dir, 'services', 'api'),
        httpPort,
        lambdaPort,
        dbEndpoint: `http://127.0.0.1:${dbPort}`,
      });
      try {
        const at = await firstAnswer(openapi(`http://127.0.0.1:${httpPort}`), ok, { timeoutMs: 300_000, intervalMs: 20 });
        sample(run === 0 ? 'slsOfflineFreshFirst200' : 'slsOfflineWarmFirst200', at - spawnedAt);
      } finally {
        await offline.stop('SIGINT');
      }
    }

    return {
      runs,
      ours: {
        freshFirst200Ms: samples.freshFirst200![0]!,
        warmFirst200Ms: p50(samples.warmFirst200!),
        scriptFirst200Ms: p50(samples.scriptFirst200!),
        consumerReadyMs: p50(samples.consumerReady!),
        reloadHandlerMs: p50(samples.reloadHandler!),
        reloadDataMs: p50(samples.reloadData!),
      },
      slsOffline: {
        freshFirst200Ms: samples.slsOfflineFreshFirst200![0]!,
        warmFirst200Ms: p50(samples.slsOfflineWarmFirst200!),
        reload: 'none (useInProcess): new code needs a restart',
      },
      samples,
    };
  } finally {
    repo.remove();
  }
}
