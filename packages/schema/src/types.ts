// Types are inferred from the schemas so the two can never drift. `default` is documentation
// here (the server applies it), so defaulted properties stay optional in the inferred types.
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type {
  ActivityEntrySchema,
  ListQuerySchema,
  ProblemSchema,
  ProjectCreateSchema,
  ProjectSchema,
  ProjectUpdateSchema,
  TaskCountsSchema,
  TaskCreateSchema,
  TaskSchema,
  TaskStatusSchema,
  TaskUpdateSchema,
} from './schemas.js';

type Infer<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;

export type Project = Infer<typeof ProjectSchema>;
export type ProjectCreate = Infer<typeof ProjectCreateSchema>;
export type ProjectUpdate = Infer<typeof ProjectUpdateSchema>;
export type Task = Infer<typeof TaskSchema>;
export type TaskCreate = Infer<typeof TaskCreateSchema>;
export type TaskUpdate = Infer<typeof TaskUpdateSchema>;
export type TaskStatus = Infer<typeof TaskStatusSchema>;
export type TaskCounts = Infer<typeof TaskCountsSchema>;
export type Problem = Infer<typeof ProblemSchema>;
/** The raw (string-valued) list query; see `ListParams` for the parsed form. */
export type ListQuery = Infer<typeof ListQuerySchema>;
export type ActivityEntry = Infer<typeof ActivityEntrySchema>;
export type ActivityType = ActivityEntry['type'];
