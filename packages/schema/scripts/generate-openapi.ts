// Writes the OpenAPI document built from src/ (routes, schemas, problem types) as JSON, for
// the API to serve and the tests to lint. Usage: generate-openapi.ts [outDir ...] (default: src/generated)
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildOpenApiDocument } from '../src/openapi.js';

const document = buildOpenApiDocument();
const outDirs = process.argv.length > 2 ? process.argv.slice(2) : ['src/generated'];
for (const outDir of outDirs) {
  const dir = resolve(import.meta.dirname, '..', outDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
}
console.log(`generate-openapi: ${Object.keys(document.paths as object).length} paths -> ${outDirs.join(', ')}`);
