// TypeScript types are inferred from the schemas, so the two can never drift. `default` is
// documentation here (the server applies it), so defaulted properties stay optional.
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

export type Infer<S extends JSONSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: true }>;
