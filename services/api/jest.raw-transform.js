// A jest transform: the file becomes a module whose default export is its text, as a `?raw`
// import gives it (why, and which files: jest.config.js).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const self = readFileSync(new URL(import.meta.url), 'utf8');

export default {
  process(sourceText, _sourcePath, options) {
    const text = JSON.stringify(sourceText);
    // An ES module where jest loads the file as one (.ts, .mjs, `"type": "module"`), else CommonJS,
    // whose module.exports is an ES import's default export.
    return { code: options.supportsStaticESM ? `export default ${text};` : `module.exports = ${text};` };
  },
  getCacheKey(sourceText, sourcePath, options) {
    return createHash('sha1')
      .update(self)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(String(options.supportsStaticESM))
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
};
