// npm run new:resource -- <name> [--parent <resource>] [--fields "<spec>"] [--singular <noun>] [--dry-run]
//
// Adds a resource to the API in one command (the `resource` generator of
// turbo/generators/config.ts): its JSON Schemas and routes (so the OpenAPI document, /docs and
// the validators follow), its entity and repository, five handlers, its functions with
// least-privilege IAM (services/api/functions/<name>.yml), handler tests and an end-to-end test.
// Nothing is written unless every argument is valid and the resource is new; --dry-run lists
// what would be written or changed. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nodePlop from 'node-plop';
import { plannedResource } from '../turbo/generators/config.ts';
import { assertNew } from '../turbo/generators/resource/checks.ts';
import { DEFAULT_FIELDS, GeneratorError } from '../turbo/generators/resource/spec.ts';

const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));

const USAGE = `Usage: npm run new:resource -- <name> [--parent <resource>] [--fields "<spec>"] [--singular <noun>] [--dry-run]

  <name>       the resource, a plural lower-case noun: labels
  --parent     the resource it belongs to (projects): it lives in, and is deleted with, its parent
  --fields     name:type pairs, comma-separated, ! after the type for a required field; types
               string, number, integer, boolean, date, datetime, enum(a|b|c)
               (default "${DEFAULT_FIELDS}")
  --singular   its singular, where the English rules guess wrong (aliases -> alias)
  --dry-run    list the files it would write or change, and write nothing

Example: npm run new:resource -- labels --parent projects --fields "name:string!,color:string,priority:enum(low|high)"`;

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      parent: { type: 'string' },
      fields: { type: 'string' },
      singular: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 1) throw new TypeError(`one resource at a time (got ${positionals.join(', ')})`);
  return { name: positionals[0], ...values };
}

/** Brings the schema package's generated files (validators, OpenAPI document) up to date with the new schemas. */
function regenerateSchemaFiles() {
  const schemaDir = join(ROOT_DIR, 'packages', 'schema');
  for (const script of ['generate-validators.ts', 'generate-openapi.ts']) {
    execFileSync(process.execPath, ['--import', 'tsx', join('scripts', script)], { cwd: schemaDir, stdio: 'ignore' });
  }
}

async function main(): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse();
  } catch (error) {
    console.error(`new:resource: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const answers = { resourceName: args.name, parentName: args.parent, fieldSpec: args.fields, singularName: args.singular };
  const { spec, model, actions } = plannedResource(answers);
  assertNew(spec, actions, ROOT_DIR);

  const writes = actions.filter((action) => action.type === 'write').map((action) => action.path);
  const changes = [...new Set(actions.filter((action) => action.type === 'add-lines').map((action) => action.path))];
  const describe = `${model.collectionPath} (${spec.singular}${spec.parent ? `, in a ${spec.parent.singular}` : ''}; fields ${spec.fields
    .map((field) => `${field.name}:${field.type}${field.values ? `(${field.values.join('|')})` : ''}${field.required ? '!' : ''}`)
    .join(', ')})`;
  if (args['dry-run']) {
    console.log(`new:resource ${describe} would write:`);
    for (const path of writes) console.log(`  write   ${path}`);
    for (const path of changes) console.log(`  change  ${path}`);
    console.log('Nothing was written (--dry-run).');
    return 0;
  }

  const plop = await nodePlop(join(ROOT_DIR, 'turbo', 'generators', 'config.ts'), { destBasePath: ROOT_DIR, force: false });
  const { failures } = await plop.getGenerator('resource').runActions(answers);
  if (failures.length > 0) {
    for (const failure of failures) console.error(`new:resource: ${failure.path ?? failure.type}: ${failure.error}`);
    return 1;
  }
  regenerateSchemaFiles();

  console.log(`new:resource ${describe}:`);
  for (const path of writes) console.log(`  wrote    ${path}`);
  for (const path of changes) console.log(`  changed  ${path}`);
  console.log(`
Next:
  - packages/schema/src/resources/${spec.plural}.ts: each field's limits (lengths, ranges), descriptions, the routes' summaries
  - services/api/test/${spec.plural}.test.ts: the rules of your own that the handlers gain
  - README.md: the routes in "The API"
  Then: npm test, and npm start to call ${model.collectionPath} (tokens: npm run token -- <user>).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `new:resource: ${error instanceof GeneratorError ? error.message : error instanceof Error ? error.stack : String(error)}`,
    );
    process.exit(1);
  },
);
