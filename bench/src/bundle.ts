// 1. Bundle: every function of services/api built with the esbuild options serverless-esbuild
// derives from its serverless.yml (what `sls package` deploys), and the hand-written baselines
// with the same options; bytes raw and gzipped, and the largest contributors from the metafile.
// Two layouts: `deploy` (serverless.yml as it is: the AWS SDK bundled) and `sdkExternal`
// (the same, with @aws-sdk/* and @smithy/* left to the nodejs22.x runtime, which ships SDK v3).
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { BENCH_DIR, BUILD_DIR } from './support/processes.ts';
import { esbuildOptionsFrom, handlerEntry, loadPlugins, type ServiceConfig } from './support/service.ts';

export type Layout = 'deploy' | 'sdkExternal';
export const LAYOUTS: Record<Layout, { description: string; external: string[] }> = {
  deploy: { description: 'custom.esbuild of services/api/serverless.yml, as sls package builds it', external: [] },
  sdkExternal: {
    description: 'the same, with @aws-sdk/* and @smithy/* external (loaded from the runtime, here from node_modules)',
    external: ['@aws-sdk/*', '@smithy/*'],
  },
};

/** The HTTP handler bundle-size target (KB of 1000 bytes, minified). */
export const BUNDLE_TARGET_BYTES = 400_000;

export interface Contributor {
  name: string;
  bytes: number;
}

export interface BundleFigure {
  /** Function name (API) or baseline handler name. */
  name: string;
  /** The bundle file, relative to bench/.build. */
  file: string;
  /** Path to the bundle on this machine (not written to results.json). */
  path: string;
  exportName: string;
  bytes: number;
  gzipBytes: number;
  /** The function's deployment package, estimated: the bundle and its source map, deflated as in a zip. */
  zipBytes: number;
  /** Bytes of content the function serves, bundled as data rather than code: files imported with `?raw` (the docs page's assets) and generated documents (the OpenAPI document). */
  assetBytes: number;
  /** Largest packages (node_modules/<pkg>, or a workspace folder) by bytes in the output. */
  topPackages: Contributor[];
  /** Largest single input files. */
  topFiles: Contributor[];
}

export interface BundleSet {
  layout: Layout;
  api: Record<string, BundleFigure>;
  baseline: Record<string, BundleFigure>;
}

/** Inputs that are content a function serves, not code: the target is about code. */
const SERVED_CONTENT = [/^raw-text:/, /\/generated\/[^/]+\.json$/];

const packageOf = (input: string): string => {
  const inNodeModules = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inNodeModules) return inNodeModules[1]!;
  const workspace = input.replace(/^(\.\.\/)+/, '').match(/^(packages\/[^/]+|services\/[^/]+|bench\/[^/]+|src)/);
  return workspace ? workspace[1]! : input;
};

function contributors(metafile: Metafile, outputFile: string) {
  const output = metafile.outputs[outputFile]!;
  const packages = new Map<string, number>();
  const files: Contributor[] = [];
  let assetBytes = 0;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (SERVED_CONTENT.some((pattern) => pattern.test(input))) assetBytes += bytesInOutput;
    const name = packageOf(input.replace(/^[\w-]+:/, ''));
    packages.set(name, (packages.get(name) ?? 0) + bytesInOutput);
    files.push({ name: input.replace(/^.*node_modules\//, ''), bytes: bytesInOutput });
  }
  const top = (list: Contributor[], n: number) => list.sort((a, b) => b.bytes - a.bytes).slice(0, n);
  return {
    assetBytes,
    topPackages: top(
      [...packages].map(([name, bytes]) => ({ name, bytes })),
      10,
    ),
    topFiles: top(files, 5),
  };
}

async function bundleOne(
  options: BuildOptions,
  workingDir: string,
  entry: string,
  exportName: string,
  name: string,
  outRoot: string,
): Promise<BundleFigure> {
  const outdir = join(outRoot, entry.slice(0, entry.lastIndexOf('/')));
  const result = await build({
    ...options,
    absWorkingDir: workingDir,
    entryPoints: [entry],
    outdir,
    metafile: true,
    write: true,
    logLevel: 'error',
  });
  const outputFile = Object.keys(result.metafile.outputs).find(
    (file) => result.metafile.outputs[file]!.entryPoint && !file.endsWith('.map'),
  );
  if (!outputFile) throw new Error(`esbuild wrote no bundle for ${entry}`);
  const path = join(workingDir, outputFile);
  const code = await readFile(path);
  const map = await readFile(`${path}.map`).catch(() => Buffer.alloc(0));
  // Local file headers, central directory entries (with the names) and the end record of a zip.
  const zipOverhead = 2 * (30 + 46 + 2 * outputFile.length) + 22;
  return {
    name,
    file: relative(BUILD_DIR, path),
    path,
    exportName,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    zipBytes: deflateRawSync(code).byteLength + deflateRawSync(map).byteLength + zipOverhead,
    ...contributors(result.metafile, outputFile),
  };
}

/** Runs `tasks` with at most `limit` at a time. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/** Builds every function of `api` and every baseline in `layout`, into bench/.build/<outName> (default: the layout's name). */
export async function buildBundles(api: ServiceConfig, layout: Layout, outName: string = layout): Promise<BundleSet> {
  const plugins = await loadPlugins(api.esbuild, api.dir);
  const base = esbuildOptionsFrom(api.esbuild, plugins);
  const options: BuildOptions = { ...base, external: [...(base.external ?? []), ...LAYOUTS[layout].external] };
  const outRoot = join(BUILD_DIR, outName);
  await rm(outRoot, { recursive: true, force: true });
  await mkdir(outRoot, { recursive: true });

  const apiTasks = Object.entries(api.functions).map(([name, fn]) => () => {
    const { file, exportName } = handlerEntry(api.dir, fn.handler);
    return bundleOne(options, api.dir, file, exportName, name, join(outRoot, 'api'));
  });
  const baselineDir = join(BENCH_DIR, 'baseline', 'handlers');
  const baselineTasks = (await readdir(baselineDir))
    .filter((file) => file.endsWith('.ts'))
    .map(
      (file) => () =>
        bundleOne(options, BENCH_DIR, `baseline/handlers/${file}`, 'handler', basename(file, '.ts'), join(outRoot, 'baseline')),
    );
  const [apiFigures, baselineFigures] = [await pooled(apiTasks, 4), await pooled(baselineTasks, 4)];
  return {
    layout,
    api: Object.fromEntries(apiFigures.map((f) => [f.name, f])),
    baseline: Object.fromEntries(baselineFigures.map((f) => [f.name, f])),
  };
}

/** What results.json keeps of a bundle (no local paths). */
export const publicFigure = ({ path: _path, ...figure }: BundleFigure) => figure;
