// npm run recount -- [--tenant <tenant>] [--project <project>] [--dry-run] [--settle-seconds <n>]
// Recounts projects' task counts from their tasks (packages/data/src/recount.ts), reports the
// drift found and repairs it, against the local stack's database (DYNAMODB_ENDPOINT, else the
// embedded one on DB_PORT, default 8000). On a deployed stage, invoke the stream consumer's
// recount function instead (README, "Repairing task counts").
//
// Prints the report as JSON on stdout, a summary on stderr. Exit code:
//   0  no drift left: none found, or all of it repaired
//   1  drift left: found by --dry-run (which changes nothing), a repair that did not complete,
//      a named project that does not exist, or a run that stopped early
//   2  usage error;  3  the recount failed (the database could not be reached...)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createDocumentClient, recount, type RecountReport } from '@app/data';
import { readTableDefinitions } from '@app/local-dynamodb';
import { envPort } from './lib/ports.ts';

const usage = 'usage: npm run recount -- [--tenant <tenant>] [--project <project>] [--dry-run] [--settle-seconds <n>]';

function fail(message: string): never {
  console.error(`[recount] ${message}\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      tenant: { type: 'string' },
      project: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'settle-seconds': { type: 'string' },
    },
  });
} catch (error) {
  fail((error as Error).message);
}
const { tenant, project, 'dry-run': dryRun = false, 'settle-seconds': settle } = parsed.values;
if (tenant === '') fail('--tenant needs a name');
if (project === '') fail('--project needs an id');
if (project !== undefined && tenant === undefined) fail('--project is named with its --tenant');
if (settle !== undefined && !/^\d+(\.\d+)?$/.test(settle)) fail('--settle-seconds takes a number of seconds');

/** Drift left after the run: what a dry run found, or what a repair did not get to. */
const driftLeft = (report: RecountReport) => report.drift.some((drift) => !drift.repaired) || report.missing.length > 0 || !report.complete;

async function main(): Promise<number> {
  const rootDir = fileURLToPath(new URL('..', import.meta.url));
  const [table] = await readTableDefinitions(join(rootDir, 'serverless.yml'), { stage: 'local' });
  const endpoint = process.env.DYNAMODB_ENDPOINT?.trim() || `http://127.0.0.1:${envPort('DB_PORT', 8000)}`;
  const client = createDocumentClient({ endpoint, region: process.env.AWS_REGION || 'us-east-1', maxAttempts: 3, requestTimeoutMs: 5_000 });
  try {
    const report = await recount(
      { client, tableName: process.env.TABLE_NAME || table!.tableName },
      { tenantId: tenant, projectId: project, dryRun, ...(settle !== undefined ? { settleMs: Number(settle) * 1000 } : {}) },
    );
    console.log(JSON.stringify(report, null, 2));
    const repaired = report.drift.filter((drift) => drift.repaired).length;
    console.error(
      `[recount] ${report.projects} projects, ${report.drift.length} with drift${dryRun ? ' (dry run: nothing changed)' : `, ${repaired} repaired`}` +
        `, ${report.unreadable.length} unreadable task items${report.missing.length ? `, ${report.missing.length} missing` : ''}`,
    );
    return driftLeft(report) ? 1 : 0;
  } finally {
    client.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[recount] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(3);
  },
);
