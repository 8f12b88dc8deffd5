import { integerFromEnv, ProjectionWriter, requiredFromEnv } from '@app/data';
import { tracedDocumentClient } from '../tracer.js';
import type { Effect } from './plan.js';

/**
 * The function's settings (serverless.yml, provider.environment), read and checked once, at
 * init: a malformed value fails the cold start, naming the variable.
 */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env) {
  return {
    tableName: requiredFromEnv('TABLE_NAME', env),
    /** How long an activity entry is kept (the table's TTL deletes it after that). */
    activityTtlSeconds: integerFromEnv('ACTIVITY_TTL_DAYS', { fallback: 90, min: 1, max: 3_650 }, env) * 86_400,
    /** Items a cleanup step deletes: a step is one stream record's work. */
    cleanupBatchSize: integerFromEnv('CLEANUP_BATCH_SIZE', { fallback: 100, min: 1, max: 1_000 }, env),
  };
}

let settings: ReturnType<typeof settingsFromEnv> | undefined;
let writer: ProjectionWriter | undefined;

// Read on first use (the function's first invocation), not at import: tests put the
// environment in place before they invoke the handler, after they import it.
const getSettings = () => (settings ??= settingsFromEnv());

/** One writer per process, built on first use from the function's environment. */
export function getProjectionWriter(): ProjectionWriter {
  writer ??= new ProjectionWriter({ client: tracedDocumentClient(), tableName: getSettings().tableName }, getSettings());
  return writer;
}

/** Carries out an effect; the outcome is for the log line. */
export async function applyEffect(effect: Effect, projections = getProjectionWriter()): Promise<string> {
  switch (effect.type) {
    case 'none':
      return `skipped: ${effect.reason}`;
    case 'record': {
      const result = await projections.applyChange(effect.tenantId, effect.projectId, effect.activity, effect.counted);
      if (result === 'project-missing' && effect.orphan) {
        await projections.deleteOrphan(effect.orphan);
        return 'project gone: orphan item deleted';
      }
      return result;
    }
    case 'register-tenant':
      await projections.registerTenant(effect.tenantId);
      return 'tenant registered';
    case 'start-cleanup':
      await projections.startCleanup(effect.tenantId, effect.projectId, effect.requestedAt);
      return 'cleanup started';
    case 'cleanup-step': {
      const step = await projections.continueCleanup(effect.tenantId, effect.projectId, getSettings().cleanupBatchSize);
      return `cleanup deleted ${step.deleted}${step.done ? ', done' : ', continuing'}`;
    }
  }
}
