import { recount, type RecountOptions, type RecountReport } from '@app/data';
import type { Context } from 'aws-lambda';
import { logger } from '../logger.js';
import { countMetric, METRIC, publishMetrics } from '../metrics.js';
import { traced, tracedDocumentClient } from '../tracer.js';

/**
 * Recounts projects' task counts from their tasks, reports the drift found and repairs it
 * (packages/data/src/recount.ts). An operator invokes it for a stage:
 *
 *   npx sls invoke -f recount --stage dev -d '{"tenant": "acme", "dryRun": true}'
 *
 * Event: `{tenant?, project?, dryRun?}`, every tenant's projects by default; a project is named
 * with its tenant. Returns the report. Each project with drift is logged and counted in the
 * TaskCountDrift metric, which the service's alarm watches.
 */
export const handler = traced(async function recountTaskCounts(event: unknown, context: Context): Promise<RecountReport> {
  logger.addContext(context);
  const options = recountOptions(event);
  const tableName = process.env.TABLE_NAME;
  if (!tableName) throw new Error('TABLE_NAME is not set');
  try {
    const report = await recount(
      { client: tracedDocumentClient(), tableName },
      // Stop starting projects a minute before the function's timeout; the report says so.
      { ...options, shouldStop: () => context.getRemainingTimeInMillis() < 60_000 },
    );
    for (const drift of report.drift) logger.warn('task counts drifted from the tasks', { ...drift });
    countMetric(METRIC.taskCountDrift, report.drift.length);
    logger.info('recount done', {
      projects: report.projects,
      drift: report.drift.length,
      dryRun: report.dryRun,
      complete: report.complete,
    });
    return report;
  } finally {
    publishMetrics();
  }
});

/** The event as options; anything else is refused with a message that says what to send. */
export function recountOptions(event: unknown): RecountOptions {
  const { tenant, project, dryRun, ...rest } = (event ?? {}) as Record<string, unknown>;
  const refuse = (problem: string) => {
    throw new TypeError(`${problem}: send {"tenant"?: string, "project"?: string (with its tenant), "dryRun"?: boolean}`);
  };
  if (typeof event !== 'object' || Array.isArray(event)) refuse('the event is not an object');
  if (Object.keys(rest).length > 0) refuse(`unknown field ${Object.keys(rest)[0]}`);
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant === '')) refuse('tenant is not a name');
  if (project !== undefined && (typeof project !== 'string' || project === '')) refuse('project is not an id');
  if (project !== undefined && tenant === undefined) refuse('a project is named with its tenant');
  if (dryRun !== undefined && typeof dryRun !== 'boolean') refuse('dryRun is not true or false');
  return { tenantId: tenant as string | undefined, projectId: project as string | undefined, dryRun: dryRun === true };
}
