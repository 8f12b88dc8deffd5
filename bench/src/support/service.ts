// A service's configuration as the Serverless Framework resolves it (`sls print`), and the
// esbuild options serverless-esbuild derives from its `custom.esbuild`, so that the bench
// bundles exactly what `sls package` deploys, and follows serverless.yml when it changes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';
import { ROOT_DIR, run } from './processes.ts';

export interface FunctionConfig {
  handler: string;
  events?: Record<string, unknown>[];
}

export interface ServiceConfig {
  dir: string;
  functions: Record<string, FunctionConfig>;
  /** provider.environment, resolved for the stage. */
  environment: Record<string, string>;
  /** custom.esbuild, as written (serverless-esbuild's own keys included). */
  esbuild: Record<string, unknown>;
  runtime: string;
  memorySize: number;
  timeout: number;
}

/** `sls print --stage <stage>` in the service folder. */
export async function printService(dir: string, stage: string): Promise<ServiceConfig> {
  const stdout = await run(join(ROOT_DIR, 'node_modules', '.bin', 'sls'), ['print', '--stage', stage, '--format', 'json'], {
    cwd: dir,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    timeoutMs: 120_000,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the resolved serverless.yml
  const config = JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, any>;
  return {
    dir,
    functions: config.functions ?? {},
    environment: Object.fromEntries(Object.entries(config.provider?.environment ?? {}).map(([k, v]) => [k, String(v)])),
    esbuild: config.custom?.esbuild ?? {},
    runtime: String(config.provider?.runtime ?? ''),
    memorySize: Number(config.provider?.memorySize ?? 1024),
    timeout: Number(config.provider?.timeout ?? 6),
  };
}

/** serverless-esbuild's defaults (DEFAULT_BUILD_OPTIONS), which custom.esbuild overrides key by key. */
const SERVERLESS_ESBUILD_DEFAULTS: Record<string, unknown> = {
  bundle: true,
  target: 'node18',
  external: [],
  exclude: ['aws-sdk'],
  platform: 'node',
  outputFileExtension: '.js',
};

/** Keys of custom.esbuild that are serverless-esbuild's, not esbuild's (src/bundle.ts of the plugin). */
const PLUGIN_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
  'plugins',
];

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];

/**
 * The esbuild options serverless-esbuild (1.x) builds each function with: its defaults under
 * custom.esbuild, its own keys removed, `exclude` added to `external` (unless it is '*'),
 * `outputFileExtension` as `outExtension`, and the plugins given.
 */
export function esbuildOptionsFrom(custom: Record<string, unknown>, plugins: Plugin[] = []): BuildOptions {
  const merged = { ...SERVERLESS_ESBUILD_DEFAULTS, ...custom };
  const options = Object.fromEntries(Object.entries(merged).filter(([key]) => !PLUGIN_KEYS.includes(key))) as BuildOptions;
  const exclude = strings(merged.exclude);
  options.external = [...strings(merged.external), ...(exclude.includes('*') ? [] : exclude)];
  const extension = String(merged.outputFileExtension ?? '.js');
  if (extension !== '.js') options.outExtension = { '.js': extension };
  options.plugins = plugins;
  return options;
}

/** custom.esbuild.plugins: a path (relative to the service) to a module exporting a list of plugins. */
export async function loadPlugins(custom: Record<string, unknown>, serviceDir: string): Promise<Plugin[]> {
  const spec = custom.plugins;
  if (!spec) return [];
  if (Array.isArray(spec)) return spec as Plugin[];
  const module = (await import(pathToFileURL(join(serviceDir, String(spec))).href)) as { default?: unknown };
  const plugins = module.default ?? module;
  return (Array.isArray(plugins) ? plugins : []) as Plugin[];
}

/** `src/handlers/projects/get.handler` -> the source file (as serverless-esbuild resolves it) and the export. */
export function handlerEntry(serviceDir: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  const base = handler.slice(0, dot);
  const file = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.tsx', '.jsx']
    .map((ext) => `${base}${ext}`)
    .find((candidate) => existsSync(join(serviceDir, candidate)));
  if (!file) throw new Error(`no source file for handler ${handler} in ${serviceDir}`);
  return { file, exportName: handler.slice(dot + 1) };
}
