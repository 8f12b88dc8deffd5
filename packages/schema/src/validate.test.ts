import { describe, expect, it } from '@jest/globals';
import * as schemaPackage from './index.js';
import {
  escapePointerToken,
  parseListQuery,
  validateProblem,
  validateProject,
  validateProjectCreate,
  validateProjectUpdate,
  validateTask,
  validateTaskCreate,
  validateTaskUpdate,
} from './index.js';

const project = {
  id: 'p1',
  name: 'Website',
  createdAt: '2026-01-02T03:04:05.678Z',
  updatedAt: '2026-01-02T03:04:05.678Z',
  version: 1,
  taskCounts: { total: 2, open: 1, in_progress: 0, done: 1 },
};
const task = {
  id: 't1',
  projectId: 'p1',
  title: 'Write copy',
  status: 'open',
  dueDate: '2026-03-01',
  createdAt: '2026-01-02T03:04:05Z',
  updatedAt: '2026-01-02T03:04:05+01:00',
  version: 3,
};

describe('request body validators', () => {
  it.each([
    ['ProjectCreate', validateProjectCreate, { name: 'Website' }],
    ['ProjectCreate with description', validateProjectCreate, { name: 'W', description: '' }],
    ['ProjectUpdate removing description', validateProjectUpdate, { description: null }],
    ['TaskCreate minimal', validateTaskCreate, { title: 'x' }],
    ['TaskCreate full', validateTaskCreate, { title: 'x', description: 'd', status: 'done', dueDate: '2028-02-29' }],
    ['TaskUpdate removals', validateTaskUpdate, { description: null, dueDate: null }],
    ['TaskUpdate status', validateTaskUpdate, { status: 'in_progress' }],
  ] as const)('accepts a valid %s and returns the input unchanged', (_name, validate, input) => {
    // Prepare
    const snapshot = structuredClone(input);

    // Act
    const result = validate(input);

    // Assess
    expect(result).toEqual({ ok: true, value: input });
    expect(result.ok && result.value).toBe(input);
    expect(input).toEqual(snapshot);
  });

  it('does not apply the status default (the server does)', () => {
    // Prepare
    const input = { title: 'x' };

    // Act
    validateTaskCreate(input);

    // Assess
    expect(input).toEqual({ title: 'x' });
  });

  it.each([
    ['missing name', validateProjectCreate, {}, [{ pointer: '/body/name', message: 'is required' }]],
    [
      'empty name',
      validateProjectCreate,
      { name: '' },
      [
        { pointer: '/body/name', message: 'must NOT have fewer than 1 characters' },
        { pointer: '/body/name', message: 'must contain a non-whitespace character' },
      ],
    ],
    [
      'blank name',
      validateProjectCreate,
      { name: ' \t\n' },
      [{ pointer: '/body/name', message: 'must contain a non-whitespace character' }],
    ],
    [
      'long name',
      validateProjectCreate,
      { name: 'n'.repeat(201) },
      [{ pointer: '/body/name', message: 'must NOT have more than 200 characters' }],
    ],
    [
      'long description',
      validateProjectCreate,
      { name: 'n', description: 'd'.repeat(2001) },
      [{ pointer: '/body/description', message: 'must NOT have more than 2000 characters' }],
    ],
    ['numeric name', validateProjectCreate, { name: 42 }, [{ pointer: '/body/name', message: 'must be string' }]],
    [
      'null description on create',
      validateProjectCreate,
      { name: 'n', description: null },
      [{ pointer: '/body/description', message: 'must be string' }],
    ],
    ['null name on update', validateProjectUpdate, { name: null }, [{ pointer: '/body/name', message: 'must be string' }]],
    ['empty update', validateProjectUpdate, {}, [{ pointer: '/body', message: 'must have at least one property' }]],
    ['array body', validateProjectCreate, [], [{ pointer: '/body', message: 'must be object' }]],
    ['null body', validateTaskCreate, null, [{ pointer: '/body', message: 'must be object' }]],
    [
      'bad status',
      validateTaskCreate,
      { title: 't', status: 'closed' },
      [{ pointer: '/body/status', message: 'must be equal to one of the allowed values: open, in_progress, done' }],
    ],
    [
      'null status on update',
      validateTaskUpdate,
      { status: null },
      [
        { pointer: '/body/status', message: 'must be string' },
        { pointer: '/body/status', message: 'must be equal to one of the allowed values: open, in_progress, done' },
      ],
    ],
    ['null title on update', validateTaskUpdate, { title: null }, [{ pointer: '/body/title', message: 'must be string' }]],
    [
      'null dueDate on create',
      validateTaskCreate,
      { title: 't', dueDate: null },
      [{ pointer: '/body/dueDate', message: 'must be string' }],
    ],
    [
      'impossible date',
      validateTaskCreate,
      { title: 't', dueDate: '2026-02-30' },
      [{ pointer: '/body/dueDate', message: 'must match format "date"' }],
    ],
    [
      'date-time as dueDate',
      validateTaskUpdate,
      { dueDate: '2026-03-01T00:00:00Z' },
      [
        { pointer: '/body/dueDate', message: 'must NOT have more than 10 characters' },
        { pointer: '/body/dueDate', message: 'must match format "date"' },
      ],
    ],
    [
      'non-leap 29 February',
      validateTaskUpdate,
      { dueDate: '2027-02-29' },
      [{ pointer: '/body/dueDate', message: 'must match format "date"' }],
    ],
  ] as const)('rejects %s', (_name, validate, input, expected) => {
    // Act
    const result = validate(input);

    // Assess
    expect(result).toEqual({ ok: false, errors: expected });
  });

  it('reports every problem at once, sorted by pointer', () => {
    // Prepare
    const input = { title: '', status: 'x', dueDate: 'tomorrow', extra: 1 };

    // Act
    const result = validateTaskCreate(input);

    // Assess
    expect(result.ok ? [] : result.errors.map((issue) => issue.pointer)).toEqual([
      '/body/dueDate',
      '/body/extra',
      '/body/status',
      '/body/title',
      '/body/title',
    ]);
  });

  it.each([
    [validateProjectCreate, { name: 'n', id: 'x', version: 2, taskCounts: {} }, ['id', 'taskCounts', 'version']],
    [validateProjectUpdate, { createdAt: '2026-01-01T00:00:00Z', updatedAt: 'x' }, ['createdAt', 'updatedAt']],
    [validateTaskCreate, { title: 't', projectId: 'p', id: 'x' }, ['id', 'projectId']],
    [validateTaskUpdate, { version: 4 }, ['version']],
  ] as const)('rejects server-managed fields as read-only (%#)', (validate, input, fields) => {
    // Act
    const result = validate(input);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: fields.map((field) => ({ pointer: `/body/${field}`, message: 'is read-only and cannot be set' })),
    });
  });

  it('rejects a read-only field of the other resource as unknown', () => {
    // Act
    const result = validateProjectCreate({ name: 'n', projectId: 'p' });

    // Assess
    expect(result).toEqual({ ok: false, errors: [{ pointer: '/body/projectId', message: 'is not a recognised property' }] });
  });

  it('rejects __proto__ and constructor keys as unknown properties without being affected by them', () => {
    // Prepare
    const input = JSON.parse('{"__proto__": {"title": "inherited"}, "constructor": {"prototype": {}}}') as unknown;

    // Act
    const result = validateTaskCreate(input);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/body/__proto__', message: 'is not a recognised property' },
        { pointer: '/body/constructor', message: 'is not a recognised property' },
        { pointer: '/body/title', message: 'is required' },
      ],
    });
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });

  it('ignores inherited properties: only what the client sent counts', () => {
    // Prepare
    const input = Object.create({ title: 'inherited' }) as object;

    // Act
    const result = validateTaskCreate(input);

    // Assess
    expect(result).toEqual({ ok: false, errors: [{ pointer: '/body/title', message: 'is required' }] });
  });

  it('escapes ~ and / in property names and never echoes the value', () => {
    // Prepare
    const hostile = '<script>'.repeat(1000);

    // Act
    const result = validateProjectCreate({ name: 'n', 'a/b~c': hostile, nested: hostile });

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/body/a~1b~0c', message: 'is not a recognised property' },
        { pointer: '/body/nested', message: 'is not a recognised property' },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('<script>');
    expect(escapePointerToken('~/~1')).toBe('~0~1~01');
  });
});

describe('response validators', () => {
  it('accept well-formed resources and problems', () => {
    // Prepare
    const problem = {
      type: 'https://example.com/problems/validation',
      title: 'Invalid request',
      status: 400,
      detail: 'The request body is invalid.',
      instance: '/projects',
      errors: [{ pointer: '/body/name', message: 'is required' }],
    };

    // Act
    const results = [validateProject(project), validateTask(task), validateProblem(problem)];

    // Assess
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
  });

  it('reject leaked storage attributes and nested problems with nested pointers', () => {
    // Prepare
    const leaky = { ...project, pk: 'a storage key', taskCounts: { ...project.taskCounts, open: -1 } };

    // Act
    const result = validateProject(leaky);

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/body/pk', message: 'is not a recognised property' },
        { pointer: '/body/taskCounts/open', message: 'must be >= 0' },
      ],
    });
  });

  it('reject a date-time without a time zone', () => {
    // Act
    const result = validateTask({ ...task, createdAt: '2026-01-02T03:04:05' });

    // Assess
    expect(result).toEqual({ ok: false, errors: [{ pointer: '/body/createdAt', message: 'must match format "date-time"' }] });
  });
});

describe('every validator of a resource, its own or generated', () => {
  // The typed wrappers of validate.ts (npm run new:resource adds a resource's three), by name.
  const validators = Object.entries(schemaPackage).filter(([name]) => /^validate[A-Z]/.test(name)) as [
    string,
    (input: unknown) => { ok: boolean; errors?: { pointer: string }[] },
  ][];

  it('include the request and response validators of projects and tasks', () => {
    expect(validators.map(([name]) => name)).toEqual(
      expect.arrayContaining(['validateProjectCreate', 'validateTaskUpdate', 'validateProblem']),
    );
  });

  it.each(validators)('%s refuses a body that is not an object, pointing at the body', (_name, validate) => {
    expect(validate(null)).toEqual({ ok: false, errors: [{ pointer: '/body', message: 'must be object' }] });
  });
});

describe('parseListQuery', () => {
  it.each([
    [null, { limit: 20 }],
    [undefined, { limit: 20 }],
    [{}, { limit: 20 }],
    [{ limit: undefined, cursor: undefined }, { limit: 20 }],
    [{ limit: '1' }, { limit: 1 }],
    [{ limit: '100' }, { limit: 100 }],
    [
      { limit: '42', cursor: 'eyJrIjoiMSJ9_-', status: 'done' },
      { limit: 42, cursor: 'eyJrIjoiMSJ9_-', status: 'done' },
    ],
  ] as const)('parses %j', (query, expected) => {
    // Act
    const result = parseListQuery(query, { allowStatus: true });

    // Assess
    expect(result).toEqual({ ok: true, value: expected });
  });

  it.each(['0', '101', '1.5', 'abc', '', ' 5', '5 ', '1e2', '-1', '+5', '05', '0x10', '1000'])('rejects limit %j', (limit) => {
    // Act
    const result = parseListQuery({ limit }, { allowStatus: true });

    // Assess
    expect(result).toEqual({ ok: false, errors: [{ pointer: '/query/limit', message: 'must be an integer from 1 to 100' }] });
  });

  it.each([
    ['', 'must NOT have fewer than 1 characters'],
    ['abc=', 'must be a cursor returned by a previous page'],
    ['a'.repeat(2049), 'must NOT have more than 2048 characters'],
  ])('rejects cursor of length %# with a clear message', (cursor, message) => {
    // Act
    const result = parseListQuery({ cursor }, { allowStatus: false });

    // Assess
    expect(result.ok ? [] : result.errors).toContainEqual({ pointer: '/query/cursor', message });
  });

  it('treats status as unknown on project lists and validates it on task lists', () => {
    // Act
    const projects = parseListQuery({ status: 'open' }, { allowStatus: false });
    const tasks = parseListQuery({ status: 'closed' }, { allowStatus: true });

    // Assess
    expect(projects).toEqual({ ok: false, errors: [{ pointer: '/query/status', message: 'is not a recognised property' }] });
    expect(tasks).toEqual({
      ok: false,
      errors: [{ pointer: '/query/status', message: 'must be equal to one of the allowed values: open, in_progress, done' }],
    });
  });

  it('rejects unknown parameters, including __proto__, without polluting prototypes', () => {
    // Prepare
    const query = JSON.parse('{"__proto__": "x", "sort": "name", "limit": "5"}') as Record<string, string>;

    // Act
    const result = parseListQuery(query, { allowStatus: true });

    // Assess
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/query/__proto__', message: 'is not a recognised property' },
        { pointer: '/query/sort', message: 'is not a recognised property' },
      ],
    });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});
