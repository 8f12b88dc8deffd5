// Invocations that share a process (sls offline runs functions in its own process; Lambda
// managed instances run several at once) must not see each other's state: each item written
// carries its own request's id, and each log line its own invocation's ids.
import { composeKey, getDocumentClient, projectEntity } from '@app/data';
import { apiEvent, captureLogs, invoke, lambdaContext, startTestDatabase, type LogCapture, type TestDatabase } from '@app/testing';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';

// The failures' lines are what the log tests read. The logger is built on first use
// (src/logger.ts), after this line: imports only define the handlers.
process.env.POWERTOOLS_LOG_LEVEL = 'INFO';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase({ exportEnvironment: true });
});
afterAll(async () => db.stop());

const storedProject = async (tenant: string, id: string) =>
  (
    await db.client.send(
      new GetCommand({
        TableName: db.tableName,
        Key: {
          pk: composeKey(projectEntity.keys.pk, { tenantId: `tenant:${tenant}` }),
          sk: composeKey(projectEntity.keys.sk, { projectId: id }),
        },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('concurrent invocations in one process', () => {
  it('stamp each item with the id of the request that wrote it', async () => {
    // Prepare: 12 creates, then 12 updates crossing them (request i updates project 11 - i)
    const created = await Promise.all(
      Array.from(
        { length: 12 },
        async (_, i) => (await invoke(createProject, apiEvent('createProject', { body: { name: `p${i}` } }))).body,
      ),
    );
    const updates = created.map((_, i) => ({
      event: apiEvent('updateProject', { params: { projectId: created[11 - i].id }, body: { description: `by ${i}` } }),
      context: lambdaContext({ functionName: 'updateProject' }),
    }));

    // Act
    const statuses = await Promise.all(updates.map(async ({ event, context }) => (await invoke(updateProject, event, context)).status));

    // Assess: the Lambda request id of the invocation that wrote it
    expect(statuses).toEqual(Array(12).fill(200));
    expect(new Set(created.map((p) => p.id)).size).toBe(12);
    for (let i = 0; i < 12; i++) {
      const item = await storedProject('acme', created[11 - i].id);
      expect(item).toMatchObject({ description: `by ${i}`, lastRequestId: updates[i]!.context.awsRequestId });
    }
  });

  describe('that fail or succeed interleaved', () => {
    // Prepare: queries of tenants named fail-* fail after a delay, the others answer after one
    const calls = Array.from({ length: 16 }, (_, i) => ({
      failing: i % 2 === 1,
      event: apiEvent('listProjects', { claims: { sub: `user-${i}`, tenant: i % 2 ? `fail-${i}` : `ok-${i}` } }),
      context: lambdaContext({ functionName: 'listProjects' }),
    }));
    const idsOf = (call: (typeof calls)[number]) => ({
      correlation_id: call.event.requestContext.requestId,
      function_request_id: call.context.awsRequestId,
    });
    let statuses: number[];
    let logs: LogCapture;

    beforeAll(async () => {
      const dynamo = mockClient(getDocumentClient());
      dynamo.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, unknown> }) => {
        const failing = Object.values(input.ExpressionAttributeValues).some((v) => typeof v === 'string' && v.includes('fail-'));
        await sleep(1 + Math.floor(Math.random() * 10));
        if (failing) throw Object.assign(new Error('internal detail'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
        return { Items: [] };
      });
      logs = captureLogs();
      try {
        // Act
        statuses = await Promise.all(calls.map(async ({ event, context }) => (await invoke(listProjects, event, context)).status));
      } finally {
        logs.restore();
        dynamo.restore();
      }
    });

    it('answer 500 to the failing ones and 200 to the others', () => {
      expect(statuses).toEqual(calls.map(({ failing }) => (failing ? 500 : 200)));
    });

    it.each(calls.filter(({ failing }) => failing).map((call, n) => [n, call] as const))(
      'log failure %i with its own invocation ids',
      (_n, call) => {
        expect(logs).toContainLogLine({
          level: 'ERROR',
          message: 'request failed',
          function_name: 'listProjects',
          route: 'GET /projects',
          ...idsOf(call),
        });
      },
    );

    it('log each failure once, and nothing for the requests that succeed', () => {
      const failures = calls.filter(({ failing }) => failing).map(idsOf);
      const logged = logs.entries
        .filter((entry) => entry.message === 'request failed')
        .map(({ correlation_id, function_request_id }) => ({ correlation_id, function_request_id }));
      expect(logs.logLines).toHaveLength(failures.length);
      expect(logged).toEqual(expect.arrayContaining(failures));
    });

    it('log no identity', () => {
      expect(logs.lines.join('\n')).not.toMatch(/user-\d|fail-\d|ok-\d/);
    });
  });
});
