// 8. Client size: @app/client as an application bundles it (esbuild, ESM for browsers, minified),
// raw and gzipped, against openapi-fetch alone (the runtime it is built on): what the typed
// methods, ApiProblem, paginate and the retries add. Types cost nothing at run time.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { BUILD_DIR, ROOT_DIR } from './support/processes.ts';

export interface ClientSizeFigure {
  name: string;
  bytes: number;
  gzipBytes: number;
}

async function bundleSize(name: string, source: string): Promise<ClientSizeFigure> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT_DIR, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // The client's TypeScript source, as a bundler of an app in this workspace resolves it.
    conditions: ['source'],
    write: false,
    outdir: join(BUILD_DIR, 'client-size'),
  });
  const code = result.outputFiles[0]!.contents;
  return { name, bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

/** The client with all it exports in use, and openapi-fetch with its createClient in use. */
export async function measureClientSize(): Promise<ClientSizeFigure[]> {
  await mkdir(join(BUILD_DIR, 'client-size'), { recursive: true });
  return [
    await bundleSize('@app/client', "export * from '@app/client';"),
    await bundleSize('openapi-fetch (baseline)', "export { default } from 'openapi-fetch';"),
  ];
}
