import { describe, expect, it } from '@jest/globals';
import { ENTITIES, keyOf, projectEntity, taskEntity, type EntityDeclaration } from '@app/data';
import { cleanupImage, projectImage, streamRecord, taskImage } from '../../test/stream-events.js';
import { UnprocessableRecordError } from '../errors.js';
import { decodeRecord } from './decode.js';
import { planChange } from './plan.js';

const plan = (...args: Parameters<typeof streamRecord>) => planChange(decodeRecord(streamRecord(...args)));

describe('planChange: tasks', () => {
  it('counts a created task and records task.created', () => {
    const task = taskImage('t1', 'p1', 'k1', { title: 'Write', status: 'in_progress', updatedAt: '2026-02-01T10:00:00.000Z' });
    const effect = plan('INSERT', { new: task });
    expect(effect).toMatchObject({
      type: 'record',
      tenantId: 't1',
      projectId: 'p1',
      counted: { taskId: 'k1', status: 'in_progress', previous: null },
      activity: { type: 'task.created', taskId: 'k1', title: 'Write', occurredAt: '2026-02-01T10:00:00.000Z' },
      orphan: keyOf(taskEntity, { tenantId: 't1', projectId: 'p1', taskId: 'k1' }),
    });
  });

  it('moves one count between statuses and lists every changed field with before and after', () => {
    const before = taskImage('t1', 'p1', 'k1', { status: 'open', dueDate: '2027-01-01' });
    const after = { ...before, status: 'done', title: 'Renamed', dueDate: undefined, updatedAt: '2026-02-02T00:00:00.000Z', version: 2 };
    const effect = plan('MODIFY', { old: before, new: after });
    expect(effect).toMatchObject({
      type: 'record',
      counted: { taskId: 'k1', status: 'done', previous: 'open' },
      activity: {
        type: 'task.updated',
        title: 'Renamed',
        changes: {
          status: { from: 'open', to: 'done' },
          title: { from: 'Task', to: 'Renamed' },
          dueDate: { from: '2027-01-01', to: null },
        },
      },
    });
  });

  it('ignores a modification that changes no tracked field (e.g. only version and updatedAt)', () => {
    const before = taskImage('t1', 'p1', 'k1');
    expect(plan('MODIFY', { old: before, new: { ...before, version: 2, updatedAt: '2026-03-01T00:00:00.000Z' } })).toEqual({
      type: 'none',
      reason: 'no tracked field changed',
    });
  });

  it('uncounts a deleted task, dated at the end of its commit second and never before its last write', () => {
    const task = taskImage('t1', 'p1', 'k1', { status: 'done', updatedAt: '2030-01-01T00:00:00.500Z' });
    const effect = plan('REMOVE', { old: task }, new Date('2030-01-01T00:00:00.000Z'));
    expect(effect).toMatchObject({
      counted: { taskId: 'k1', status: null, previous: 'done' },
      activity: { type: 'task.deleted', occurredAt: '2030-01-01T00:00:00.999Z' },
    });
    expect(effect).not.toHaveProperty('orphan');
    const clockSkewed = taskImage('t1', 'p1', 'k1', { updatedAt: '2030-01-01T00:00:05.000Z' });
    expect(plan('REMOVE', { old: clockSkewed }, new Date('2030-01-01T00:00:00.000Z'))).toMatchObject({
      activity: { occurredAt: '2030-01-01T00:00:05.000Z' },
    });
  });
});

describe('planChange: projects and cleanup', () => {
  it('records a renamed project but not a counter update', () => {
    const before = projectImage('t1', 'p1');
    const renamed = plan('MODIFY', { old: before, new: { ...before, name: 'New name' } });
    expect(renamed).toMatchObject({
      type: 'record',
      activity: { type: 'project.updated', title: 'New name', changes: { name: { from: 'Project', to: 'New name' } } },
    });
    expect(renamed).not.toHaveProperty('counted');
    const counted = { ...before, version: 2, taskCounts: { total: 1, open: 1, in_progress: 0, done: 0 } };
    expect(plan('MODIFY', { old: before, new: counted }).type).toBe('none');
  });

  it('starts the cleanup of a deleted project, and steps it on each cleanup record', () => {
    expect(plan('REMOVE', { old: projectImage('t1', 'p1') })).toMatchObject({ type: 'start-cleanup', tenantId: 't1', projectId: 'p1' });
    const cleanup = cleanupImage('t1', 'p1');
    expect(plan('INSERT', { new: cleanup })).toEqual({ type: 'cleanup-step', tenantId: 't1', projectId: 'p1' });
    expect(plan('MODIFY', { old: cleanup, new: { ...cleanup, deleted: 100 } })).toEqual({
      type: 'cleanup-step',
      tenantId: 't1',
      projectId: 'p1',
    });
    expect(plan('REMOVE', { old: cleanup }).type).toBe('none');
  });

  it('ignores entities it does not consume, such as its own activity entries', () => {
    expect(plan('INSERT', { new: { pk: 'x', sk: 'y', entity: 'activity' } }).type).toBe('none');
  });

  it('adds the tenant of a new project to the list of tenants', () => {
    expect(plan('INSERT', { new: projectImage('t1', 'p1') })).toEqual({ type: 'register-tenant', tenantId: 't1' });
  });
});

describe('planChange: records that can never succeed', () => {
  const unprocessable = (reason: string, message: string | RegExp) =>
    expect.objectContaining({ name: 'UnprocessableRecordError', reason, message: expect.stringMatching(message) });
  const attempt = (...args: Parameters<typeof plan>) => {
    try {
      return plan(...args);
    } catch (error) {
      expect(error).toBeInstanceOf(UnprocessableRecordError);
      return error;
    }
  };
  const without = (item: Record<string, unknown>, attribute: string) => {
    const copy = { ...item };
    delete copy[attribute];
    return copy;
  };

  it.each([
    ['a task without a title', 'INSERT', { new: without(taskImage('t1', 'p1', 'k1'), 'title') }, /without a string title/],
    ['a task without a tenant', 'INSERT', { new: without(taskImage('t1', 'p1', 'k1'), 'tenantId') }, /without a string tenantId/],
    ['a task of an unknown status', 'INSERT', { new: taskImage('t1', 'p1', 'k1', { status: 'someday' }) }, /not one of the task statuses/],
    ['the deletion of a task that never had a title', 'REMOVE', { old: without(taskImage('t1', 'p1', 'k1'), 'title') }, /title/],
    [
      'a project without a name',
      'MODIFY',
      { old: projectImage('t1', 'p1'), new: without(projectImage('t1', 'p1', { description: 'x' }), 'name') },
      /project item without a string name/,
    ],
  ] as const)('cannot read %s', (_, kind, images, message) => {
    expect(attempt(kind, images)).toEqual(unprocessable('unreadable-item', message));
  });

  it('does not know an entity it was never told of', () => {
    expect(attempt('INSERT', { new: { pk: 'x', sk: 'y', entity: 'invoice' } })).toEqual(unprocessable('unknown-entity', /"invoice"/));
  });

  it('cannot tell what an item is whose entity changed', () => {
    expect(attempt('MODIFY', { old: projectImage('t1', 'p1'), new: { ...projectImage('t1', 'p1'), entity: 'task' } })).toEqual(
      unprocessable('unknown-entity', /changed/),
    );
  });

  it('counts a task first when a change makes it readable: it was never counted before', () => {
    const before = without(taskImage('t1', 'p1', 'k1', { status: 'done' }), 'title');
    expect(plan('MODIFY', { old: before, new: { ...before, title: 'Fixed' } })).toMatchObject({
      counted: { taskId: 'k1', status: 'done', previous: null },
    });
  });

  it('moves no count when a change leaves the status alone', () => {
    const before = taskImage('t1', 'p1', 'k1');
    expect(plan('MODIFY', { old: before, new: { ...before, title: 'Renamed' } })).not.toHaveProperty('counted');
  });
});

function withRawAttribute(record: ReturnType<typeof streamRecord>, name: string, value: unknown) {
  return { ...record, dynamodb: { ...record.dynamodb, NewImage: { ...record.dynamodb!.NewImage, [name]: value as never } } };
}

describe('planChange: any other entity with a feed, in a project', () => {
  // An entity of the test's own, as npm run new:resource declares one under projects.
  const labelEntity = {
    name: 'label',
    parent: projectEntity,
    schemas: {
      item: { properties: { id: {}, projectId: {}, name: {}, weight: {}, pinned: {} } },
      update: { properties: { name: {}, weight: {}, pinned: {} } },
    },
    keys: { pk: taskEntity.keys.pk, sk: taskEntity.keys.sk },
    feed: { title: 'name' },
  } as const satisfies EntityDeclaration;
  const entities = { ...ENTITIES, label: labelEntity };
  const label = { pk: 'p', sk: 's', entity: 'label', tenantId: 't1', projectId: 'p1', id: 'l1', name: 'Urgent', weight: 1, pinned: false };
  const planLabel = (...args: Parameters<typeof streamRecord>) => planChange(decodeRecord(streamRecord(...args)), entities);

  it.each([
    ['INSERT', { new: label }, 'label.created'],
    ['REMOVE', { old: label }, 'label.deleted'],
  ] as const)('records a %s as %s, with its id and title, and counts nothing', (kind, images, type) => {
    const effect = planLabel(kind, images);
    expect(effect).toMatchObject({ type: 'record', tenantId: 't1', projectId: 'p1', activity: { type, labelId: 'l1', title: 'Urgent' } });
    expect(effect).not.toHaveProperty('counted');
  });

  it('reports numbers and booleans that changed as text', () => {
    expect(planLabel('MODIFY', { old: label, new: { ...label, weight: 2.5, pinned: true } })).toMatchObject({
      activity: { type: 'label.updated', changes: { weight: { from: '1', to: '2.5' }, pinned: { from: 'false', to: 'true' } } },
    });
  });

  it('leaves the title out for an entity without a title attribute', () => {
    const untitled = { ...entities, label: { ...labelEntity, feed: {} } };
    const effect = planChange(decodeRecord(streamRecord('INSERT', { new: label })), untitled);
    expect(effect.type === 'record' && effect.activity).not.toHaveProperty('title');
  });

  it('does not record an entity without a feed, nor one outside a project', () => {
    const unrecorded = { ...entities, label: { ...labelEntity, feed: undefined } };
    expect(planChange(decodeRecord(streamRecord('INSERT', { new: label })), unrecorded).type).toBe('none');
    const topLevel = { ...entities, label: { ...labelEntity, parent: undefined } };
    expect(planChange(decodeRecord(streamRecord('INSERT', { new: label })), topLevel).type).toBe('none');
  });

  it('calls an item without its parent id unreadable', () => {
    const { projectId: _none, ...orphaned } = label;
    expect(() => planLabel('INSERT', { new: orphaned })).toThrow(UnprocessableRecordError);
  });

  it('takes no inherited property for an entity', () => {
    expect(() => plan('INSERT', { new: { ...label, entity: 'constructor' } })).toThrow(UnprocessableRecordError);
  });
});

describe('decodeRecord', () => {
  it.each([
    ['without keys', { ...streamRecord('INSERT', { new: taskImage('t1', 'p1', 'k1') }), dynamodb: { SequenceNumber: '1' } }],
    ['with keys that are not strings', streamRecord('INSERT', { new: { pk: 1, sk: 2, entity: 'task' } })],
    [
      'with an attribute value DynamoDB never sends',
      withRawAttribute(streamRecord('INSERT', { new: { pk: 'a', sk: 'b' } }), 'title', { Q: 'x' }),
    ],
  ])('cannot decode a record %s', (_, record) => {
    expect(() => decodeRecord(record as never)).toThrow(expect.objectContaining({ reason: 'undecodable' }));
  });

  it('names the request that made an insert or modification, and only the last writer of a removed item', () => {
    const task = taskImage('t1', 'p1', 'k1', { lastRequestId: 'req-create' });
    expect(decodeRecord(streamRecord('INSERT', { new: task }))).toMatchObject({ requestId: 'req-create' });
    const updated = { ...task, title: 'x', lastRequestId: 'req-update' };
    expect(decodeRecord(streamRecord('MODIFY', { old: task, new: updated }))).toMatchObject({ requestId: 'req-update' });
    const removed = decodeRecord(streamRecord('REMOVE', { old: updated }));
    expect(removed.requestId).toBeUndefined();
    expect(removed.lastWriteRequestId).toBe('req-update');
  });
});
