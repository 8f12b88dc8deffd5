// One service of the local stack (services/api, services/stream-consumer): its resolved
// serverless.yml, its functions' builds and the worker they run in.
import { join, relative } from 'node:path';
import {
  defaultBuildDir,
  formatBuildError,
  FunctionBuilder,
  FunctionHost,
  functionsOf,
  resolveServiceConfig,
  type FunctionSpec,
  type ReloadReport,
  type ResolvedConfig,
} from '@app/local-lambda';
import type { LocalEnv } from './local-env.ts';

export interface LocalService {
  name: string;
  dir: string;
  config: ResolvedConfig;
  /** Whether the configuration came from the cache (no `sls print` this time). */
  cached: boolean;
  functions: FunctionSpec[];
  builder: FunctionBuilder;
  host: FunctionHost;
  stop(options?: { drain?: boolean }): Promise<void>;
}

export interface ServiceOptions {
  layout: LocalEnv;
  /** Folder name under services/. */
  name: string;
  /** The environment the functions and `sls print` see (endpoint, credentials). */
  env: Record<string, string>;
  /** Each line the functions print, but their metric lines. */
  output: (line: string) => void;
  /** Where the functions' metric lines are appended (FunctionHost). */
  metricsFile?: string;
  /** False under a debugger: invocations then never time out. */
  timeouts?: boolean;
}

/** Resolves the service's serverless.yml for the local stage (cached) and readies its host; nothing is built yet. */
export async function openService(options: ServiceOptions): Promise<LocalService> {
  const { layout, name } = options;
  const dir = join(layout.rootDir, 'services', name);
  const buildDir = defaultBuildDir(layout.rootDir, dir);
  const { config, cached } = await resolveServiceConfig(dir, {
    stage: layout.stage,
    slsBin: layout.slsBin,
    env: { ...process.env, ...options.env },
    cacheDir: buildDir,
  });
  const functions = functionsOf(dir, config);
  const builder = new FunctionBuilder({ serviceDir: dir, outDir: buildDir, esbuild: config.custom?.esbuild ?? {}, functions });
  await builder.loadKnownInputs();
  const host = new FunctionHost({
    builder,
    functions,
    env: options.env,
    output: options.output,
    metricsFile: options.metricsFile,
    timeouts: options.timeouts,
  });
  return {
    name,
    dir,
    config,
    cached,
    functions,
    builder,
    host,
    async stop(stopOptions) {
      await host.stop(stopOptions);
      await builder.dispose();
    },
  };
}

/** One line for a reload: what was reloaded and how fast, or where the build broke. */
export function describeReload(report: ReloadReport, changed: readonly string[], rootDir: string): string {
  const files = changed.map((file) => relative(rootDir, file)).join(', ');
  const names =
    report.functions.length > 3
      ? `${report.functions.slice(0, 3).join(', ')} (+${report.functions.length - 3})`
      : report.functions.join(', ');
  if (!report.outcome.ok) {
    const error = report.outcome.errors[0];
    return `build failed: ${error ? formatBuildError(error, rootDir) : 'unknown error'} (${names} answer 503 until a fix is saved)`;
  }
  return `${files}: reloaded ${names} in ${Math.round(report.ms)} ms`;
}
