// A service's serverless.yml as the Serverless Framework resolves it (`sls print`), so that
// every variable means locally what it means when deploying; kept in a cache file keyed on
// what the resolution reads, so that a warm start does not pay for the framework's boot.
//
// Measured on the 2-core machine of docs/benchmarks.md: `sls print` takes 1.35 s (most of it
// loading osls and resolving variables), which alone is two thirds of the 2 s budget of a warm
// `npm start`; reading the cache takes under 5 ms.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a resolved serverless.yml
export type ResolvedConfig = Record<string, any>;

/** The service's configuration could not be resolved: the framework's own message (a YAML parse error names file, line and column). */
export class ServiceConfigError extends Error {
  readonly serviceDir: string;

  constructor(serviceDir: string, message: string) {
    super(message);
    this.name = 'ServiceConfigError';
    this.serviceDir = serviceDir;
  }
}

export interface ResolveOptions {
  stage: string;
  /** The `sls` executable (osls). */
  slsBin: string;
  /** The environment the framework resolves `${env:…}` against. */
  env?: NodeJS.ProcessEnv;
  /** Where the resolved configuration is kept between runs; no cache when unset. */
  cacheDir?: string;
  timeoutMs?: number;
}

export interface ResolvedService {
  config: ResolvedConfig;
  /** True when read from the cache, without running the framework. */
  cached: boolean;
  /** The files the resolution read (serverless.yml and every `${file(…)}`). */
  files: string[];
}

const FILE_REFERENCE = /\$\{file\(([^)\s]+)\)/g;
const ENV_REFERENCE = /\benv:([A-Za-z_][A-Za-z0-9_]*)/g;

/** serverless.yml and the files it includes through `${file(…)}`, each with its text, transitively. */
async function configSources(serviceDir: string): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const pending = [join(serviceDir, 'serverless.yml')];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (sources.has(file)) continue;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && sources.size > 0) continue; // the framework reports it
      throw error;
    }
    sources.set(file, text);
    for (const [, path] of text.matchAll(FILE_REFERENCE)) pending.push(resolve(dirname(file), path!));
  }
  return sources;
}

/**
 * What decides the resolved configuration: the texts of the files, the values of the
 * environment variables they name, the stage and the framework's version. Anything else a
 * variable could read (`${aws:…}`, `${ssm:…}`, `${cf:…}`) is not used by the local stage.
 */
async function cacheKey(sources: Map<string, string>, options: ResolveOptions, frameworkVersion: string): Promise<string> {
  const hash = createHash('sha256').update(`${frameworkVersion}\0${options.stage}\0`);
  const names = new Set<string>();
  for (const [file, text] of [...sources].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${file}\0${text}\0`);
    for (const [, name] of text.matchAll(ENV_REFERENCE)) names.add(name!);
  }
  const env = options.env ?? process.env;
  for (const name of [...names].sort()) hash.update(`${name}=${env[name] ?? '\u0000unset'}\0`);
  return hash.digest('hex');
}

async function frameworkVersion(slsBin: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(dirname(slsBin), '..', 'serverless', 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The first paragraph after the framework's `Error:` line: its message, without the banner and the code frame. */
export function frameworkErrorMessage(output: string): string {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.trim() === 'Error:');
  const message = (start >= 0 ? lines.slice(start + 1) : lines).map((line) => line.trim());
  const first = message.findIndex((line) => line !== '');
  if (first < 0) return output.trim() || 'sls print failed';
  const end = message.findIndex((line, i) => i > first && line === '');
  return message.slice(first, end < 0 ? undefined : end).join(' ');
}

async function runPrint(serviceDir: string, options: ResolveOptions): Promise<ResolvedConfig> {
  try {
    const { stdout } = await promisify(execFile)(options.slsBin, ['print', '--stage', options.stage, '--format', 'json'], {
      cwd: serviceDir,
      env: { ...(options.env ?? process.env), SLS_TELEMETRY_DISABLED: '1' },
      maxBuffer: 16 * 1024 * 1024,
      timeout: options.timeoutMs ?? 120_000,
    });
    return JSON.parse(stdout.slice(stdout.indexOf('{'))) as ResolvedConfig;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new ServiceConfigError(serviceDir, frameworkErrorMessage(`${stderr ?? ''}\n${stdout ?? ''}`) || (error as Error).message);
  }
}

/** The resolved configuration of the service in `serviceDir`, from the cache when nothing it depends on changed. */
export async function resolveServiceConfig(serviceDir: string, options: ResolveOptions): Promise<ResolvedService> {
  const sources = await configSources(serviceDir);
  const files = [...sources.keys()];
  const key = await cacheKey(sources, options, await frameworkVersion(options.slsBin));
  // One file per key: stacks on other ports (the test suites') do not evict the developer's.
  const cacheFile = options.cacheDir && join(options.cacheDir, `config-${basename(serviceDir)}-${key.slice(0, 16)}.json`);
  if (cacheFile) {
    try {
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { key?: string; config?: ResolvedConfig };
      if (cached.key === key && cached.config) return { config: cached.config, cached: true, files };
    } catch {
      // no cache yet, or an unreadable one: resolve
    }
  }
  const config = await runPrint(serviceDir, options);
  if (cacheFile) {
    await mkdir(dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ key, config }));
    await rename(temporary, cacheFile);
    await pruneCache(options.cacheDir!, `config-${basename(serviceDir)}-`);
  }
  return { config, cached: false, files };
}

/** Keeps the most recent configurations of a service (the cache does not grow with every port a test picked). */
async function pruneCache(dir: string, prefix: string, keep = 8): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name.startsWith(prefix) && name.endsWith('.json'));
  if (names.length <= keep) return;
  const dated = await Promise.all(names.map(async (name) => ({ name, mtime: (await stat(join(dir, name))).mtimeMs })));
  dated.sort((a, b) => b.mtime - a.mtime);
  await Promise.all(dated.slice(keep).map(({ name }) => rm(join(dir, name), { force: true })));
}
