// The recount function, as an operator invokes it (sls invoke -f recount), against the embedded DynamoDB.
import { captureLogs, lambdaContext, startTestDatabase, type TestDatabase } from '@app/testing';
import { createRepositories, keyOf, projectEntity, type Repositories } from '@app/data';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler, recountOptions } from '../src/handlers/recount.js';
import { logger } from '../src/logger.js';

let db: TestDatabase;
let repos: Repositories;
const TENANT = `tenant:recount-function-${Date.now()}`;
const context = lambdaContext({ functionName: 'recount', timeoutMs: 900_000 });

beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
  repos = createRepositories({ client: db.client, tableName: db.tableName, cursorSecret: 'recount-test-cursor-secret' });
});
afterAll(async () => db.stop());

describe('recount function', () => {
  it('repairs drift, returns the report, logs each drifted project and counts them in a metric', async () => {
    // Prepare: a project whose counter was edited by hand
    const project = await repos.projects.create(TENANT, { name: 'Edited' });
    await db.client.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: keyOf(projectEntity, { tenantId: TENANT, projectId: project.id }),
        UpdateExpression: 'SET taskCounts.#t = :t',
        ExpressionAttributeNames: { '#t': 'total' },
        ExpressionAttributeValues: { ':t': 3 },
      }),
    );
    logger.setLogLevel('INFO');
    const logs = captureLogs();

    // Act
    let report;
    try {
      report = await handler({ tenant: TENANT }, context);
    } finally {
      logs.restore();
      logger.setLogLevel('SILENT');
    }

    // Assess
    expect(report.drift).toEqual([
      expect.objectContaining({ projectId: project.id, stored: expect.objectContaining({ total: 3 }), repaired: true }),
    ]);
    expect((await repos.projects.get(TENANT, project.id)).taskCounts.total).toBe(0);
    expect(logs).toContainLogLine({ level: 'WARN', message: 'task counts drifted from the tasks', projectId: project.id });
    expect(logs).toContainLogLine({
      TaskCountDrift: 1,
      _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'TaskCountDrift', Unit: 'Count' }] }] },
    });
  });

  it.each([
    ['not an object', 'everything', /not an object/],
    ['a project without its tenant', { project: 'p' }, /named with its tenant/],
    ['an empty tenant', { tenant: '' }, /tenant is not a name/],
    ['a dry run that is not a boolean', { tenant: 't', dryRun: 'yes' }, /dryRun/],
    ['an unknown field', { tenants: ['t'] }, /unknown field tenants/],
  ])('refuses %s, saying what to send', (_, event, message) => {
    expect(() => recountOptions(event)).toThrow(message);
  });

  it('takes an empty event for every tenant', () => {
    expect(recountOptions({})).toEqual({ tenantId: undefined, projectId: undefined, dryRun: false });
  });
});
