// What a saved file does to the running stack (scripts/lib/changes.ts), decided from its path alone.
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { classifyChanges } from '../scripts/lib/changes.ts';

const ROOT = '/repo';
const classify = (...paths: string[]) =>
  classifyChanges(
    ROOT,
    paths.map((path) => join(ROOT, path)),
  );

describe('classifyChanges', () => {
  it.each([
    ['services/api/serverless.yml', 'api'],
    ['services/api/functions/labels.yml', 'api'],
    ['services/stream-consumer/serverless.yaml', 'stream-consumer'],
  ])('reloads the service whose configuration %s is part of', (path, service) => {
    expect([...classify(path).services]).toEqual([[service, [path]]]);
  });

  it('names every file of a service that changed in one batch, once each', () => {
    const changes = classify('services/api/serverless.yml', 'services/api/functions/labels.yml', 'services/api/serverless.yml');
    expect(changes.services.get('api')).toEqual(['services/api/serverless.yml', 'services/api/functions/labels.yml']);
  });

  it.each([['services/api/node_modules/some-package/action.yml'], ['services/api/.serverless/cloudformation-template.yml']])(
    'takes %s, in a build or dependency folder, for no configuration of the service',
    (path) => {
      const changes = classify(path);
      expect(changes.services.size).toBe(0);
      expect(changes.sources).toEqual([join(ROOT, path)]);
    },
  );

  it('reloads both services when their shared bundling settings change', () => {
    expect([...classify('services/esbuild.yml').services.keys()].sort()).toEqual(['api', 'stream-consumer']);
  });

  it('brings the tables up to date for the root serverless.yml, and regenerates validators for a schema source', () => {
    expect(classify('serverless.yml')).toMatchObject({ tables: true, schema: false, services: new Map() });
    expect(classify('packages/schema/src/resources/labels.ts')).toMatchObject({ tables: false, schema: true });
    expect(classify('packages/schema/src/generated/validators.js').schema).toBe(false);
  });

  it('hands every other file to the functions built from it', () => {
    expect(classify('services/api/src/handlers/labels/get.ts', 'packages/data/src/crud.ts').sources).toHaveLength(2);
  });
});
