// The repository's generators (Turborepo's `turbo gen` convention: plop, typed with @turbo/gen).
// `resource` writes a whole resource: its schemas and routes, its entity and repository, five
// handlers, its functions with least-privilege IAM, and their tests. Run it with
// `npm run new:resource -- <name> [--parent projects] [--fields "<spec>"] [--dry-run]`
// (scripts/new-resource.ts: argument checks, refusals, dry run), or interactively with
// `npx gen run resource` (@turbo/gen's CLI; `turbo gen` itself fetches @turbo/gen at turbo's own
// version from the registry, which may not be published).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlopTypes } from '@turbo/gen';
import { format, resolveConfig } from 'prettier';
import { MARKER, resourceActions, type AddLines, type ResourceAction } from './resource/actions.ts';
import { assertNew, resourceSpec, type ResourceArguments } from './resource/checks.ts';
import { resourceModel } from './resource/model.ts';
import { DEFAULT_FIELDS, GeneratorError, parseName } from './resource/spec.ts';

/**
 * The generator's answers: the arguments of npm run new:resource (empty is absent). Named apart
 * from the templates' data (ResourceModel), which plop merges them with.
 */
export interface ResourceAnswers {
  resourceName?: string;
  parentName?: string;
  fieldSpec?: string;
  singularName?: string;
}

/** The resource's files, from the generator's answers. */
export function plannedResource(answers: ResourceAnswers) {
  const args: ResourceArguments = {
    name: answers.resourceName,
    singular: answers.singularName || undefined,
    parent: answers.parentName || undefined,
    fields: answers.fieldSpec || undefined,
  };
  const spec = resourceSpec(args, DEFAULT_FIELDS);
  const model = resourceModel(spec);
  return { spec, model, actions: resourceActions(model) };
}

/** Adds a registry's lines above its marker comment, indented as the marker is. */
async function addLines(rootDir: string, config: PlopTypes.ActionConfig): Promise<string> {
  const { path, slot, lines } = config as unknown as AddLines;
  const file = join(rootDir, path);
  const text = (await readFile(file, 'utf8')).split('\n');
  const at = text.findIndex((line) => line.trim().endsWith(`${MARKER} ${slot}`));
  if (at === -1) throw new GeneratorError(`${path}: no "${MARKER} ${slot}" comment`);
  const indent = /^\s*/.exec(text[at]!)![0];
  text.splice(at, 0, ...lines.map((line) => `${indent}${line}`));
  await writeFile(file, text.join('\n'));
  return `${path} (${slot})`;
}

/** Formats what was written or changed as `npm run format` would, so that the lint passes at once. */
async function formatFiles(rootDir: string, config: PlopTypes.ActionConfig): Promise<string> {
  const { paths } = config as unknown as { paths: string[] };
  for (const path of paths) {
    const file = join(rootDir, path);
    const options = await resolveConfig(file);
    await writeFile(file, await format(await readFile(file, 'utf8'), { ...options, filepath: file }));
  }
  return `${paths.length} files formatted`;
}

/** The plop actions of a planned resource: the templates, the registries' lines, then the formatting. */
function plopActions(dirs: { root: string; templates: string }, actions: readonly ResourceAction[], data: object): PlopTypes.ActionType[] {
  const steps = actions.map((action): PlopTypes.ActionType => {
    if (action.type === 'write') {
      return {
        type: 'add',
        path: join(dirs.root, action.path),
        templateFile: join(dirs.templates, action.template),
        data,
        abortOnFail: true,
      };
    }
    return { ...action, abortOnFail: true } as unknown as PlopTypes.ActionConfig;
  });
  const paths = [...new Set(actions.map((action) => action.path))];
  return [...steps, { type: 'prettier', paths, abortOnFail: true } as unknown as PlopTypes.ActionConfig];
}

const validate = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch (error) {
    return error instanceof GeneratorError ? error.message : String(error);
  }
};

/**
 * The generators, on the repository plop works in (its destination: the root; @turbo/gen and
 * scripts/new-resource.ts both set it). Paths come from plop (getPlopfilePath is this file's
 * folder) rather than `import.meta.url`, which @turbo/gen's CommonJS build of this file lacks.
 */
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  const dirs = { root: plop.getDestBasePath(), templates: join(plop.getPlopfilePath(), 'templates', 'resource') };
  plop.setActionType('add-lines', (_answers, config) => addLines(dirs.root, config));
  plop.setActionType('prettier', (_answers, config) => formatFiles(dirs.root, config));
  plop.setGenerator('resource', {
    description: 'A resource: its schemas, routes, entity, repository, handlers, functions with IAM, and tests',
    prompts: [
      {
        type: 'input',
        name: 'resourceName',
        message: 'Resource (a plural lower-case noun, such as labels):',
        validate: (name: string) => validate(() => parseName(name)),
      },
      { type: 'input', name: 'parentName', message: 'Parent resource (projects), or nothing for a top-level one:', default: '' },
      { type: 'input', name: 'fieldSpec', message: 'Fields (name:type, ! for required, comma-separated):', default: DEFAULT_FIELDS },
    ],
    actions: (answers) => {
      const planned = plannedResource((answers ?? {}) as ResourceAnswers);
      // Before any action: a resource that exists is refused with nothing written.
      assertNew(planned.spec, planned.actions, dirs.root);
      return plopActions(dirs, planned.actions, planned.model);
    },
  });
}
