// esbuild plugins of the functions' bundles (custom.esbuild.plugins in serverless.yml).
import { readFile } from 'node:fs/promises';

/**
 * `import text from 'some-package/file.js?raw'` bundles the file's contents as a string, as
 * Vite does: the docs function serves the reference page's assets from npm
 * packages this way, with no file system access and no CDN.
 */
const rawText = {
  name: 'raw-text',
  setup(build) {
    build.onResolve({ filter: /\?raw$/ }, async (args) => {
      const resolved = await build.resolve(args.path.slice(0, -'?raw'.length), { kind: args.kind, resolveDir: args.resolveDir });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, namespace: 'raw-text' };
    });
    build.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

export default [rawText];
