import { describe, expect, it } from '@jest/globals';
import { expectTypeOf } from 'expect-type';
import {
  PROJECT_READ_ONLY_FIELDS,
  ProjectCreateSchema,
  ProjectUpdateSchema,
  TASK_READ_ONLY_FIELDS,
  TASK_STATUSES,
  TaskCreateSchema,
  TaskSchema,
  TaskUpdateSchema,
  readOnlyFields,
  schemas,
} from './index.js';
import type { ListQuery, Project, ProjectCreate, ProjectUpdate, Task, TaskCreate, TaskStatus, TaskUpdate } from './index.js';

describe('schemas', () => {
  it('derives the read-only field lists from the readOnly annotations', () => {
    // Prepare
    const schema = { properties: { a: { readOnly: true }, b: { readOnly: false }, c: {} } } as const;

    // Act
    const fields = readOnlyFields(schema);

    // Assess
    expect(fields).toEqual(['a']);
    expect(PROJECT_READ_ONLY_FIELDS).toEqual(['id', 'createdAt', 'updatedAt', 'version', 'taskCounts']);
    expect(TASK_READ_ONLY_FIELDS).toEqual(['id', 'projectId', 'createdAt', 'updatedAt', 'version']);
  });

  it('never lets a write schema declare a read-only field', () => {
    // Prepare
    const writes = [
      [ProjectCreateSchema, PROJECT_READ_ONLY_FIELDS],
      [ProjectUpdateSchema, PROJECT_READ_ONLY_FIELDS],
      [TaskCreateSchema, TASK_READ_ONLY_FIELDS],
      [TaskUpdateSchema, TASK_READ_ONLY_FIELDS],
    ] as const;

    // Act
    const overlaps = writes.flatMap(([schema, readOnly]) =>
      Object.keys(schema.properties).filter((key) => (readOnly as readonly string[]).includes(key)),
    );

    // Assess
    expect(overlaps).toEqual([]);
  });

  it('keys every schema by its $id and uses the shared status list', () => {
    // Act
    const mismatched = Object.entries(schemas).filter(([key, schema]) => schema.$id !== key);

    // Assess
    expect(mismatched).toEqual([]);
    expect(TaskSchema.properties.status.enum).toBe(TASK_STATUSES);
  });

  it('infers the documented TypeScript types', () => {
    expectTypeOf<TaskStatus>().toEqualTypeOf<'open' | 'in_progress' | 'done'>();
    expectTypeOf<ProjectCreate>().toEqualTypeOf<{ name: string; description?: string }>();
    expectTypeOf<ProjectUpdate>().toEqualTypeOf<{ name?: string; description?: string | null }>();
    expectTypeOf<TaskCreate>().toEqualTypeOf<{ title: string; description?: string; status?: TaskStatus; dueDate?: string }>();
    expectTypeOf<TaskUpdate>().toEqualTypeOf<{
      title?: string;
      description?: string | null;
      status?: TaskStatus;
      dueDate?: string | null;
    }>();
    expectTypeOf<Project['taskCounts']>().toEqualTypeOf<{ total: number; open: number; in_progress: number; done: number }>();
    expectTypeOf<Task['version']>().toEqualTypeOf<number>();
    expectTypeOf<ListQuery>().toEqualTypeOf<{ limit?: string; cursor?: string; status?: TaskStatus }>();
  });
});
