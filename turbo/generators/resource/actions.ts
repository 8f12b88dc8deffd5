// The files a resource is made of, as a list: those the generator writes (from templates) and
// the registries it adds lines to (above a `new:resource: <slot>` marker). The dry run prints
// this list; the generator (../config.ts) carries it out.
import type { ResourceModel } from './model.ts';

/** Writes a new file from a template (templates/resource/<template>). */
export interface WriteFile {
  type: 'write';
  path: string;
  template: string;
}

/** Adds lines to a file that lists every resource, above its marker comment. */
export interface AddLines {
  type: 'add-lines';
  path: string;
  /** The slot's name: the marker is the comment `new:resource: <slot>`. */
  slot: string;
  lines: string[];
}

export type ResourceAction = WriteFile | AddLines;

export const MARKER = 'new:resource:';

export function resourceActions(m: ResourceModel): ResourceAction[] {
  const write = (path: string, template: string): WriteFile => ({ type: 'write', path, template });
  const add = (path: string, slot: string, ...lines: string[]): AddLines => ({ type: 'add-lines', path, slot, lines });
  const { plural, singular, Singular, CONSTANT } = m;
  const activity = m.parent
    ? [
        add(
          'packages/schema/src/resources/activity.ts',
          'activity types',
          `'${singular}.created',`,
          `'${singular}.updated',`,
          `'${singular}.deleted',`,
        ),
        add(
          'packages/schema/src/resources/activity.ts',
          'activity item ids',
          `${m.idParam}: { ...idProp, description: 'The ${singular} concerned, for ${singular}.* entries.' },`,
        ),
      ]
    : [];
  return [
    // The contract: JSON Schemas, types, routes; registered for validators and OpenAPI.
    write(`packages/schema/src/resources/${plural}.ts`, 'schema.ts.hbs'),
    add('packages/schema/src/index.ts', 'resource modules', `export * from './resources/${plural}.js';`),
    add(
      'packages/schema/src/schemas.ts',
      'schema imports',
      `import { ${Singular}CreateSchema, ${Singular}Schema, ${Singular}UpdateSchema } from './resources/${plural}.js';`,
    ),
    add(
      'packages/schema/src/schemas.ts',
      'schemas',
      `${Singular}: ${Singular}Schema,`,
      `${Singular}Create: ${Singular}CreateSchema,`,
      `${Singular}Update: ${Singular}UpdateSchema,`,
    ),
    add('packages/schema/src/routes.ts', 'route imports', `import { ${CONSTANT}_ROUTES } from './resources/${plural}.js';`),
    add('packages/schema/src/routes.ts', 'routes', `${CONSTANT}_ROUTES,`),
    add(
      'packages/schema/src/validate.ts',
      'validator imports',
      `import { ${Singular} as ${Singular}Validator } from './generated/validators/${Singular}.js';`,
      `import { ${Singular}Create as ${Singular}CreateValidator } from './generated/validators/${Singular}Create.js';`,
      `import { ${Singular}Update as ${Singular}UpdateValidator } from './generated/validators/${Singular}Update.js';`,
      `import { ${CONSTANT}_READ_ONLY_FIELDS, type ${Singular}, type ${Singular}Create, type ${Singular}Update } from './resources/${plural}.js';`,
    ),
    add(
      'packages/schema/src/validate.ts',
      'validators',
      `export function validate${Singular}Create(input: unknown): ValidationResult<${Singular}Create> {`,
      `  return validateBody(${Singular}CreateValidator, input, ${CONSTANT}_READ_ONLY_FIELDS);`,
      `}`,
      `export function validate${Singular}Update(input: unknown): ValidationResult<${Singular}Update> {`,
      `  return validateBody(${Singular}UpdateValidator, input, ${CONSTANT}_READ_ONLY_FIELDS);`,
      `}`,
      `export function validate${Singular}(input: unknown): ValidationResult<${Singular}> {`,
      `  return validateBody(${Singular}Validator, input);`,
      `}`,
    ),
    ...activity,
    // The storage: the entity's declaration and its repository.
    write(`packages/data/src/entities/${plural}.ts`, 'entity.ts.hbs'),
    add('packages/data/src/entities/index.ts', 'entity imports', `import { ${singular}Entity } from './${plural}.js';`),
    add('packages/data/src/entities/index.ts', 'entity exports', `export { ${singular}Entity };`),
    add('packages/data/src/entities/index.ts', 'entities', `${singular}: ${singular}Entity,`),
    write(`packages/data/src/repositories/${plural}.ts`, 'repository.ts.hbs'),
    add('packages/data/src/index.ts', 'repository imports', `import { ${Singular}Repository } from './repositories/${plural}.js';`),
    add('packages/data/src/index.ts', 'repository exports', `export { ${Singular}Repository } from './repositories/${plural}.js';`),
    add('packages/data/src/index.ts', 'repositories', `${plural}: ${Singular}Repository;`),
    add('packages/data/src/index.ts', 'wiring', `${plural}: new ${Singular}Repository(ctx),`),
    // The functions: five handlers, their include file with least-privilege IAM, and its line.
    ...['create', 'get', 'list', 'update', 'delete'].map((action) =>
      write(`services/api/src/handlers/${plural}/${action}.ts`, `handler-${action}.ts.hbs`),
    ),
    write(`services/api/functions/${plural}.yml`, 'functions.yml.hbs'),
    add('services/api/serverless.yml', 'functions', `- \${file(./functions/${plural}.yml)}`),
    // The tests: the repository and the handlers on the embedded DynamoDB, the routes over HTTP on a stack.
    write(`packages/data/test/${plural}.test.ts`, 'repository.test.ts.hbs'),
    write(`services/api/test/${plural}.test.ts`, 'handlers.test.ts.hbs'),
    write(`test/${plural}.e2e.test.ts`, 'e2e.test.ts.hbs'),
  ];
}
