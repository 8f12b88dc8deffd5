// What must hold before anything is written: the resource is new (no entity, route, schema,
// key label or file of that name), its parent can have children, and every registry still has
// its marker. The generator writes nothing unless all of it holds.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTITIES, projectEntity, TABLE_INDEXES, TABLE_KEY, TABLE_TTL_ATTRIBUTE, type EntityDeclaration } from '@app/data';
import { ROUTES, schemas } from '@app/schema';
import { MARKER, type ResourceAction } from './actions.ts';
import { GeneratorError, parseFields, parseName, type ResourceSpec } from './spec.ts';

/** Attributes every item has or the server manages: no field may take these names. */
const SERVER_ATTRIBUTES = [
  'id',
  'createdAt',
  'updatedAt',
  'version',
  'entity',
  'tenantId',
  'lastRequestId',
  TABLE_TTL_ATTRIBUTE,
  ...Object.values(TABLE_KEY),
  ...Object.values(TABLE_INDEXES).flatMap((index) => [index.pk, index.sk]),
];

/**
 * The resources a new one may belong to. Only projects: deleting one empties its partition (the
 * stream consumer's cleanup) and its activity feed records the changes of the items in it.
 */
const PARENTS: Readonly<Record<string, EntityDeclaration>> = { projects: projectEntity };

/** Every label used in any key of any entity (a new sort key label must not share one). */
const keyLabels = () =>
  new Set(
    Object.values(ENTITIES).flatMap((entity) =>
      [entity.keys.pk, entity.keys.sk ?? [], ...Object.values(entity.indexes ?? {}).flatMap((index) => [index!.pk, index!.sk])].flatMap(
        (template) => template.flatMap((segment) => ('label' in segment ? [segment.label] : [])),
      ),
    ),
  );

export interface ResourceArguments {
  name?: string;
  singular?: string;
  parent?: string;
  fields?: string;
}

/** The spec of the resource the arguments describe, or a GeneratorError saying what is wrong. */
export function resourceSpec(args: ResourceArguments, defaultFields: string): ResourceSpec {
  const { plural, singular } = parseName(args.name, args.singular);
  let parent: ResourceSpec['parent'];
  if (args.parent !== undefined) {
    const entity = PARENTS[args.parent];
    if (!entity) {
      throw new GeneratorError(
        `--parent "${args.parent}": only ${Object.keys(PARENTS).join(', ')} can be a parent (its deletion removes the items in its partition, and its activity feed records their changes).`,
      );
    }
    parent = { plural: args.parent, singular: entity.name };
  }
  const reserved = [...SERVER_ATTRIBUTES, `${singular}Id`, ...(parent ? [`${parent.singular}Id`] : [])];
  return { plural, singular, ...(parent ? { parent } : {}), fields: parseFields(args.fields ?? defaultFields, reserved) };
}

/** Refuses a resource that exists (in any registry, or as a file) and a registry without its marker. */
export function assertNew(spec: ResourceSpec, actions: readonly ResourceAction[], rootDir: string): void {
  const exists = (what: string) => new GeneratorError(`${spec.plural} exists already (${what}); nothing was written.`);
  if (Object.values(ENTITIES).some((entity) => entity.name === spec.singular || entity.collection === spec.plural)) {
    throw exists(`an entity named ${spec.singular} or ${spec.plural}`);
  }
  const Singular = spec.singular[0]!.toUpperCase() + spec.singular.slice(1);
  if ([Singular, `${Singular}Create`, `${Singular}Update`].some((name) => name in schemas)) throw exists(`a schema named ${Singular}`);
  const segment = `/${spec.plural}`;
  const Plural = spec.plural[0]!.toUpperCase() + spec.plural.slice(1);
  const operations = [`create${Singular}`, `list${Plural}`, `get${Singular}`, `update${Singular}`, `delete${Singular}`];
  const route = ROUTES.find((r) => r.path.split('/').includes(spec.plural) || operations.includes(r.operationId));
  if (route) throw exists(`the route ${route.method.toUpperCase()} ${route.path} (${route.operationId})`);
  if (keyLabels().has(spec.singular.toUpperCase())) throw exists(`the key label ${spec.singular.toUpperCase()}`);
  for (const action of actions) {
    const path = join(rootDir, action.path);
    if (action.type === 'write' && existsSync(path)) throw exists(action.path);
    if (action.type === 'add-lines') {
      if (!existsSync(path)) throw new GeneratorError(`${action.path} is missing; nothing was written.`);
      const marker = `${MARKER} ${action.slot}`;
      if (
        !readFileSync(path, 'utf8')
          .split('\n')
          .some((line) => line.trim().endsWith(marker))
      ) {
        throw new GeneratorError(`${action.path} has no "${marker}" comment to add ${segment}'s lines above; put it back, and run again.`);
      }
    }
  }
}
