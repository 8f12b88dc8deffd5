import { createDocumentClient, ProjectionWriter } from '@app/data';
import type { Effect } from './plan.js';

let writer: ProjectionWriter | undefined;

/** One writer per process, built on first use from the function's environment. */
export function getProjectionWriter(): ProjectionWriter {
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  writer ??= new ProjectionWriter(
    { client: createDocumentClient(), tableName },
    { activityTtlSeconds: Number(process.env.ACTIVITY_TTL_DAYS ?? 90) * 86_400 },
  );
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
        return 'project gone: orphan task deleted';
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
      const step = await projections.continueCleanup(effect.tenantId, effect.projectId, Number(process.env.CLEANUP_BATCH_SIZE ?? 100));
      return `cleanup deleted ${step.deleted}${step.done ? ', done' : ', continuing'}`;
    }
  }
}
