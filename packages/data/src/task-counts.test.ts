import { describe, expect, it } from '@jest/globals';
import { differences } from './recount.js';
import { countsDelta, countsOf, readTask, sameCounts, storedCounts } from './task-counts.js';

const task = { tenantId: 't', projectId: 'p', id: 'k', title: 'Write', status: 'open' };

describe('readTask', () => {
  it('reads a task with its keys, a title and a known status', () => {
    expect(readTask(task)).toEqual({ readable: true, tenantId: 't', projectId: 'p', taskId: 'k', title: 'Write', status: 'open' });
  });

  it.each([
    ['no title', { ...task, title: undefined }, 'task item without a string title'],
    ['an empty tenant', { ...task, tenantId: '' }, 'task item without a string tenantId'],
    ['a status that is not a string', { ...task, status: 7 }, 'task item without a string status'],
    ['an unknown status', { ...task, status: 'someday' }, 'task item with a status that is not one of the task statuses'],
  ])('cannot read a task with %s', (_, item, problem) => {
    expect(readTask(item)).toEqual({ readable: false, problem });
  });

  it('cannot read nothing', () => {
    expect(readTask(undefined)).toEqual({ readable: false, problem: 'task item without a string tenantId' });
  });
});

describe('counts', () => {
  it.each([
    [null, 'open', { total: 1, open: 1 }],
    ['open', 'done', { open: -1, done: 1 }],
    ['done', null, { total: -1, done: -1 }],
    ['open', 'open', {}],
    [null, null, {}],
  ] as const)('moves the counts of a task counted under %s to %s by %j', (from, to, delta) => {
    expect(countsDelta(from, to)).toEqual(delta);
  });

  it('counts the statuses tasks are counted under, skipping the uncounted', () => {
    expect(countsOf(['open', 'done', null, 'open'])).toEqual({ total: 3, open: 2, in_progress: 0, done: 1 });
  });

  it('reads stored counts, missing or broken fields as 0', () => {
    expect(storedCounts({ total: 2, open: '2', done: 1 })).toEqual({ total: 2, open: 0, in_progress: 0, done: 1 });
    expect(storedCounts(undefined)).toEqual({ total: 0, open: 0, in_progress: 0, done: 0 });
  });

  it('compares counts field by field', () => {
    expect(sameCounts(countsOf(['open']), { total: 1, open: 1, in_progress: 0, done: 0 })).toBe(true);
    expect(sameCounts(countsOf(['open']), { total: 1, open: 0, in_progress: 1, done: 0 })).toBe(false);
  });
});

describe('differences', () => {
  const entry = (status: 'open' | 'done' | null, revision = 1) => ({ status, revision });

  it('finds tasks counted under another status, counted though gone, and not counted at all', () => {
    const counted = new Map([
      ['same', entry('open')],
      ['moved', entry('open')],
      ['gone', entry('done')],
      ['tombstone', entry(null)],
    ]);
    const actual = new Map<string, 'open' | 'done' | null>([
      ['same', 'open'],
      ['moved', 'done'],
      ['new', 'open'],
      ['unreadable', null],
    ]);
    expect(differences(counted, actual)).toEqual([
      { taskId: 'moved', counted: entry('open'), actual: 'done' },
      { taskId: 'gone', counted: entry('done'), actual: null },
      { taskId: 'new', counted: undefined, actual: 'open' },
    ]);
  });
});
