// The types of the schemas every list and error shares; each resource's types are declared
// beside its schemas (resources/*.ts).
import type { Infer } from './infer.js';
import type { ListQuerySchema, ProblemSchema } from './schemas.js';

export type Problem = Infer<typeof ProblemSchema>;
/** The raw (string-valued) list query; see `ListParams` for the parsed form. */
export type ListQuery = Infer<typeof ListQuerySchema>;
