// HTTP load from a separate process on loopback: wrk when it is installed (Debian: apt-get
// install wrk), autocannon (an npm dependency of this package) otherwise. Each run is bounded
// in time (and the process killed if it overruns).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BUILD_DIR, run } from './processes.ts';

export interface LoadRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  tool: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Responses other than 2xx/3xx, and socket errors and timeouts. */
  errors: number;
}

let wrkAvailable: boolean | undefined;

export function loadTool(): 'wrk' | 'autocannon' {
  if (wrkAvailable === undefined) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      wrkAvailable = true;
    } catch (error) {
      // wrk --version prints its banner and exits 1; only "not found" means it is missing.
      wrkAvailable = (error as NodeJS.ErrnoException).code !== 'ENOENT';
    }
  }
  return wrkAvailable ? 'wrk' : 'autocannon';
}

const luaString = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

let scripts = 0;

async function runWrk(request: LoadRequest, connections: number, durationS: number): Promise<LoadResult> {
  const script = join(BUILD_DIR, `wrk-${process.pid}-${++scripts}.lua`);
  writeFileSync(
    script,
    [
      `wrk.method = ${luaString(request.method)}`,
      ...(request.body !== undefined ? [`wrk.body = ${luaString(request.body)}`] : []),
      ...Object.entries(request.headers).map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`),
      'done = function(summary, latency, requests)',
      '  local e = summary.errors',
      '  io.write(string.format("BENCH_JSON {\\"requests\\":%d,\\"durationUs\\":%d,\\"errors\\":%d,\\"p50\\":%d,\\"p99\\":%d}\\n",',
      '    summary.requests, summary.duration, e.status + e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))',
      'end',
    ].join('\n'),
  );
  const stdout = await run(
    'wrk',
    ['-t', '1', '-c', String(connections), '-d', `${durationS}s`, '--timeout', '5s', '-s', script, request.url],
    {
      timeoutMs: (durationS + 30) * 1000,
    },
  ).finally(() => rmSync(script, { force: true }));
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`wrk printed no summary:\n${stdout}`);
  const r = JSON.parse(line.slice('BENCH_JSON '.length)) as {
    requests: number;
    durationUs: number;
    errors: number;
    p50: number;
    p99: number;
  };
  return {
    tool: 'wrk',
    connections,
    durationS,
    requests: r.requests,
    rps: r.requests / (r.durationUs / 1e6),
    p50: r.p50 / 1000,
    p99: r.p99 / 1000,
    errors: r.errors,
  };
}

async function runAutocannon(request: LoadRequest, connections: number, durationS: number): Promise<LoadResult> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [cli, '-c', String(connections), '-d', String(durationS), '-j', '-m', request.method, '-t', '5'];
  for (const [name, value] of Object.entries(request.headers)) args.push('-H', `${name}=${value}`);
  if (request.body !== undefined) args.push('-b', request.body);
  const stdout = await run(process.execPath, [...args, request.url], { timeoutMs: (durationS + 30) * 1000 });
  const r = JSON.parse(stdout) as {
    requests: { total: number };
    duration: number;
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  return {
    tool: 'autocannon',
    connections,
    durationS,
    requests: r.requests.total,
    rps: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.non2xx + r.errors + r.timeouts,
  };
}

export function generateLoad(request: LoadRequest, connections: number, durationS: number): Promise<LoadResult> {
  return loadTool() === 'wrk' ? runWrk(request, connections, durationS) : runAutocannon(request, connections, durationS);
}
