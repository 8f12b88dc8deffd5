// The machine and the versions a run measured, for results.json and docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { round } from '../stats.ts';
import { BENCH_DIR, ROOT_DIR } from './processes.ts';

export function machine() {
  const npm = (() => {
    try {
      return execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  })();
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    npm,
    loadAverageAtStart: loadavg().map((l) => round(l, 2)),
  };
}

/**
 * The version of `name` that code in `fromDir` gets: the first node_modules/<name>/package.json
 * walking up, as Node resolves it (read directly: not every package exports its package.json).
 */
export function installedVersion(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? null;
    if (dirname(dir) === dir) return null;
  }
}

function wrkVersion(): string | null {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'pipe' });
    return null;
  } catch (error) {
    // wrk prints its banner and exits 1.
    const out = String((error as { stdout?: Buffer }).stdout ?? '');
    return (
      out
        .split('\n')[0]
        ?.replace(/^wrk\s+/, '')
        .replace(/\s+Copyright.*$/, '') || null
    );
  }
}

export function versions(): Record<string, string | null> {
  const api = join(ROOT_DIR, 'services', 'api');
  return {
    'serverless (osls)': installedVersion('serverless', ROOT_DIR),
    'serverless-esbuild': installedVersion('serverless-esbuild', ROOT_DIR),
    'serverless-offline': installedVersion('serverless-offline', ROOT_DIR),
    esbuild: installedVersion('esbuild', ROOT_DIR),
    '@aws-sdk/client-dynamodb': installedVersion('@aws-sdk/client-dynamodb', api),
    '@aws-sdk/lib-dynamodb': installedVersion('@aws-sdk/lib-dynamodb', api),
    '@smithy/core': installedVersion('@smithy/core', api),
    '@middy/core': installedVersion('@middy/core', api),
    '@aws-lambda-powertools/logger': installedVersion('@aws-lambda-powertools/logger', api),
    '@aws-lambda-powertools/idempotency': installedVersion('@aws-lambda-powertools/idempotency', api),
    dynalite: installedVersion('dynalite', join(ROOT_DIR, 'packages', 'local-dynamodb')),
    wrk: wrkVersion(),
    autocannon: installedVersion('autocannon', BENCH_DIR),
  };
}

/** The 1, 5 and 15 minute load averages, rounded. */
export const loadAverage = () => loadavg().map((l) => round(l, 2));
