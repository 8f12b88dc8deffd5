// The esbuild options serverless-esbuild derives from a service's `custom.esbuild`: one
// derivation for the local host (builder.ts) and the bench, so that both bundle what
// `sls package` deploys, and follow serverless.yml when it changes.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildOptions, Plugin } from 'esbuild';

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
