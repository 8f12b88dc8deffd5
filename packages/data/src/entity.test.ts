// The derivations from an entity declaration, on the declarations themselves: no key or
// attribute list is restated here, only how they relate.
import { describe, expect, it } from '@jest/globals';
import { ProjectUpdateSchema, TaskCreateSchema, TaskSchema, TaskUpdateSchema } from '@app/schema';
import { activityEntity, cleanupEntity, ENTITIES, projectEntity, taskEntity } from './entities/index.js';
import {
  childPartitionKey,
  defaultsOf,
  idAttribute,
  indexKeysAfterPatch,
  keyOf,
  mutableAttributes,
  newResource,
  toItem,
  toResource,
  trackedAttributes,
  writableAttributes,
} from './entity.js';
import { composeKey, TABLE_INDEXES, TABLE_KEY } from './keys.js';

const at = { tenantId: 'tenant:acme', parentId: 'p-1', id: 't-1' };
const task = newResource(
  taskEntity,
  { id: 't-1', parentId: 'p-1', now: '2026-01-01T00:00:00.000Z' },
  { title: 'Write', dueDate: '2026-02-01' },
);

describe('an entity declaration', () => {
  it('lists every entity under the `entity` attribute its items carry', () => {
    expect(Object.entries(ENTITIES).filter(([name, entity]) => entity.name !== name)).toEqual([]);
  });

  it("puts a child in its parent's partition: the parent's key, pk then sk", () => {
    // Act
    const { pk } = keyOf(taskEntity, { tenantId: at.tenantId, projectId: at.parentId, taskId: at.id });

    // Assess
    expect(pk).toBe(childPartitionKey(projectEntity, { tenantId: at.tenantId, id: at.parentId }));
    expect(keyOf(activityEntity, { tenantId: at.tenantId, projectId: at.parentId, occurredAt: 'x', activityId: 'y' }).pk).toBe(pk);
  });

  it("keeps a parent's own key and its cleanup beside its tenant's other items, outside its children's partition", () => {
    const project = keyOf(projectEntity, { tenantId: at.tenantId, projectId: at.parentId });
    const cleanup = keyOf(cleanupEntity, { tenantId: at.tenantId, projectId: at.parentId });
    expect(cleanup.pk).toBe(project.pk);
    expect(cleanup.sk).not.toBe(project.sk);
    expect(childPartitionKey(projectEntity, { tenantId: at.tenantId, id: at.parentId })).not.toBe(project.pk);
  });

  it('names its id attribute after itself', () => {
    expect(idAttribute(taskEntity)).toBe('taskId');
    expect(idAttribute(projectEntity)).toBe('projectId');
  });
});

describe('the attributes a client may write, change, and the feed reports', () => {
  it('are those of the create and update schemas', () => {
    expect(writableAttributes(taskEntity)).toEqual(Object.keys(TaskCreateSchema.properties));
    expect(mutableAttributes(taskEntity)).toEqual(Object.keys(TaskUpdateSchema.properties));
    expect(trackedAttributes(projectEntity)).toEqual(Object.keys(ProjectUpdateSchema.properties));
  });

  it('are none for an entity no client writes', () => {
    expect(writableAttributes(activityEntity)).toEqual([]);
    expect(mutableAttributes(cleanupEntity)).toEqual([]);
  });

  it("default as the create schema's `default`s say", () => {
    expect(defaultsOf(taskEntity)).toEqual({ status: TaskCreateSchema.properties.status.default });
    expect(defaultsOf(projectEntity)).toEqual({});
  });
});

describe('newResource', () => {
  it("builds the representation in its schema's order: server-managed values, defaults, then the client's", () => {
    expect(Object.keys(task)).toEqual(Object.keys(TaskSchema.properties).filter((name) => name !== 'description'));
    expect(task).toMatchObject({ id: 't-1', projectId: 'p-1', title: 'Write', status: 'open', version: 1, createdAt: task.updatedAt });
  });

  it('takes only the attributes a client may write', () => {
    // Act
    const built = newResource(taskEntity, { id: 't-2', parentId: 'p-1', now: 'now' }, { title: 'x', version: 9, pk: 'forged' });

    // Assess
    expect(built).toMatchObject({ id: 't-2', version: 1 });
    expect(built).not.toHaveProperty('pk');
  });

  it('gives each new item its own copy of the initial values', () => {
    // Act
    const [a, b] = [
      newResource(projectEntity, { id: 'a', now: 'now' }, { name: 'a' }),
      newResource(projectEntity, { id: 'b', now: 'now' }, { name: 'b' }),
    ];

    // Assess
    expect(a.taskCounts).toEqual(projectEntity.initial.taskCounts);
    expect(a.taskCounts).not.toBe(b.taskCounts);
  });
});

describe('toItem and toResource', () => {
  it('store the representation with its keys, index keys and bookkeeping, and read back exactly the representation', () => {
    // Act
    const item = toItem(taskEntity, at.tenantId, task);

    // Assess
    const values = { tenantId: at.tenantId, projectId: at.parentId, taskId: at.id, status: 'open' };
    expect(item).toEqual({
      ...task,
      ...keyOf(taskEntity, values),
      [TABLE_INDEXES.byStatus.pk]: composeKey(taskEntity.indexes.byStatus.pk, values),
      [TABLE_INDEXES.byStatus.sk]: composeKey(taskEntity.indexes.byStatus.sk, values),
      entity: 'task',
      tenantId: at.tenantId,
    });
    expect(toResource(taskEntity, { ...item, lastRequestId: 'r-1' })).toEqual(task);
    expect(Object.keys(toResource(taskEntity, item))).toEqual(Object.keys(task));
  });
});

describe('indexKeysAfterPatch', () => {
  it('moves the index keys that name a patched attribute, and only those', () => {
    // Act
    const moved = indexKeysAfterPatch(taskEntity, at, { status: 'done', title: 'Renamed' });

    // Assess
    const values = { tenantId: at.tenantId, projectId: at.parentId, taskId: at.id, status: 'done' };
    expect(moved).toEqual({ [TABLE_INDEXES.byStatus.pk]: composeKey(taskEntity.indexes.byStatus.pk, values) });
    expect(indexKeysAfterPatch(taskEntity, at, { title: 'Renamed' })).toEqual({});
    expect(indexKeysAfterPatch(projectEntity, { tenantId: at.tenantId, id: at.parentId }, { name: 'x' })).toEqual({});
  });

  it('never touches the primary key', () => {
    expect(Object.keys(indexKeysAfterPatch(taskEntity, at, { status: 'done' }))).not.toContain(TABLE_KEY.pk);
  });
});
