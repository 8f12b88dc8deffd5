// npm run new:resource's arguments: the grammar of a name and a field list, the refusals and
// their messages, and the dry run, which lists what it would write and writes nothing. What
// the generator writes, and that it works, is new-resource.e2e.test.ts's.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { resourceSpec } from '../turbo/generators/resource/checks.js';
import { DEFAULT_FIELDS, GeneratorError, parseFields, parseName, singularOf } from '../turbo/generators/resource/spec.js';
import { ROOT_DIR } from './support/stack.js';

const run = promisify(execFile);

/** The script as npm runs it, in this repository (only ever with --dry-run, or arguments it refuses). */
async function newResource(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', 'scripts/new-resource.ts', ...args], {
      cwd: ROOT_DIR,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('a resource name', () => {
  it.each([
    ['labels', 'label'],
    ['categories', 'category'],
    ['statuses', 'status'],
    ['boxes', 'box'],
    ['matches', 'match'],
    ['cases', 'case'],
    ['keys', 'key'],
  ])('%s has the singular %s', (plural, singular) => {
    expect(singularOf(plural)).toBe(singular);
  });

  it.each([
    [undefined, 'Name the resource'],
    ['Labels', 'is not a plural lower-case noun'],
    ['label', 'is not a plural lower-case noun'],
    ['glass', 'is not a plural lower-case noun'],
    ['my-labels', 'is not a plural lower-case noun'],
    ['s', 'is not a plural lower-case noun'],
  ])('refuses %s: "%s"', (name, message) => {
    expect(() => parseName(name)).toThrow(new RegExp(message));
  });

  it('takes a singular where the rules guess wrong, and refuses one that is not a word', () => {
    expect(parseName('aliases', 'alias')).toEqual({ plural: 'aliases', singular: 'alias' });
    expect(() => parseName('aliases', 'Alias')).toThrow(/is not the singular/);
  });
});

describe('a field list', () => {
  it('reads name:type pairs, ! for required, and enums', () => {
    expect(parseFields('name:string!, color:string ,priority:enum(low|high)!', [])).toEqual([
      { name: 'name', type: 'string', required: true },
      { name: 'color', type: 'string', required: false },
      { name: 'priority', type: 'enum', values: ['low', 'high'], required: true },
    ]);
  });

  it.each(['string', 'number', 'integer', 'boolean', 'date', 'datetime'])('takes the type %s', (type) => {
    expect(parseFields(`field:${type}`, [])).toEqual([{ name: 'field', type, required: false }]);
  });

  it.each([
    ['', '--fields is empty'],
    ['name', 'write name:type'],
    ['name:text', 'unknown type "text"'],
    ['name:enum', 'unknown type "enum"'],
    ['name:enum()', 'enum value "" is not allowed'],
    ['p:enum(a|a)', 'an enum value is listed twice'],
    ['p:enum(a b)', 'enum value "a b" is not allowed'],
    ['Name:string', '"Name" is not a field name'],
    ['first-name:string', '"first-name" is not a field name'],
    ['constructor:string', '"constructor" is not a field name'],
    ['name:string,name:number', '"name" is listed twice'],
    ['version:integer', '"version" is managed by the server'],
    ['pk:string', '"pk" is managed by the server'],
    [Array.from({ length: 11 }, (_, i) => `f${i}:string`).join(','), 'at most 10'],
  ])('refuses "%s": %s', (spec, message) => {
    expect(() => resourceSpec({ name: 'labels', fields: spec }, DEFAULT_FIELDS)).toThrow(GeneratorError);
    expect(() => resourceSpec({ name: 'labels', fields: spec }, DEFAULT_FIELDS)).toThrow(message);
  });

  it("refuses the resource's own id and its parent's as field names", () => {
    expect(() => resourceSpec({ name: 'labels', fields: 'labelId:string' }, DEFAULT_FIELDS)).toThrow('managed by the server');
    expect(() => resourceSpec({ name: 'labels', parent: 'projects', fields: 'projectId:string' }, DEFAULT_FIELDS)).toThrow(
      'managed by the server',
    );
  });

  it('is one required name without --fields', () => {
    expect(resourceSpec({ name: 'labels' }, DEFAULT_FIELDS).fields).toEqual([{ name: 'name', type: 'string', required: true }]);
  });
});

describe('a parent', () => {
  it.each(['tasks', 'labels', 'project'])('must be projects, not %s', (parent) => {
    expect(() => resourceSpec({ name: 'labels', parent }, DEFAULT_FIELDS)).toThrow(/only projects can be a parent/);
  });
});

describe('npm run new:resource', () => {
  it('lists, on a dry run, every file it would write or change, and writes nothing', async () => {
    // Prepare
    const status = () => run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT_DIR }).then(({ stdout }) => stdout);
    const before = await status();

    // Act
    const { code, stdout } = await newResource('labels', '--parent', 'projects', '--fields', 'name:string!,weight:number', '--dry-run');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('/projects/{projectId}/labels (label, in a project; fields name:string!, weight:number)');
    for (const path of [
      'write   packages/schema/src/resources/labels.ts',
      'write   packages/data/src/entities/labels.ts',
      'write   services/api/src/handlers/labels/create.ts',
      'write   services/api/functions/labels.yml',
      'write   services/api/test/labels.test.ts',
      'write   test/labels.e2e.test.ts',
      'change  services/api/serverless.yml',
      'change  packages/schema/src/resources/activity.ts',
    ]) {
      expect(stdout).toContain(path);
    }
    expect(stdout).toContain('Nothing was written (--dry-run).');
    expect(await status()).toBe(before);
  });

  it.each([
    [['projects'], 'projects exists already'],
    [['tasks', '--parent', 'projects'], 'tasks exists already'],
    [['cleanups'], 'cleanups exists already'],
    [['labels', '--fields', 'name:strng'], 'unknown type "strng"'],
    [['labels', '--parent', 'tasks'], 'only projects can be a parent'],
  ])('refuses %j with exit code 1: %s', async (args, message) => {
    const { code, stderr } = await newResource(...args, '--dry-run');

    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });

  it.each([[['labels', '--colour', 'red']], [['labels', 'tags']]])('answers %j with its usage and exit code 2', async (args) => {
    const { code, stderr } = await newResource(...args, '--dry-run');

    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run new:resource -- <name>');
  });
});
