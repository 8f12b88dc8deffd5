// Invocations that share a process (sls offline runs functions in its own process; Lambda
// managed instances run several at once) must not see each other's state: each item written
// carries its own request's id, and each log line its own invocation's ids.
import { composeKey, getDocumentClient, projectEntity } from '@app/data';
import type { LocalDynamoDB } from '@app/local-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The logger then writes through the global console, which the log test watches.
vi.hoisted(() => {
  process.env.POWERTOOLS_DEV = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

import { handler as createProject } from '../src/handlers/projects/create.js';
import { handler as listProjects } from '../src/handlers/projects/list.js';
import { handler as updateProject } from '../src/handlers/projects/update.js';
import { startDatabase } from './database.js';
import { httpEvent, lambdaContext } from './events.js';

let db: LocalDynamoDB & { tableName: string };
beforeAll(async () => {
  db = await startDatabase();
});
afterAll(async () => db.stop());

const storedProject = async (tenant: string, id: string) =>
  (
    await getDocumentClient().send(
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
    const creates = Array.from({ length: 12 }, (_, i) => httpEvent({ method: 'POST', path: '/projects', body: { name: `p${i}` } }));

    // Act
    const created = await Promise.all(creates.map(async (event) => JSON.parse((await createProject(event, lambdaContext())).body!)));
    const updates = created.map((_, i) => ({
      event: httpEvent({ method: 'PATCH', path: 'x', pathParameters: { projectId: created[11 - i].id }, body: { description: `by ${i}` } }),
      context: lambdaContext('updateProject'),
    }));
    const statuses = await Promise.all(updates.map(async ({ event, context }) => (await updateProject(event, context)).statusCode));

    // Assess: the Lambda request id of the invocation that wrote it
    expect(statuses).toEqual(Array(12).fill(200));
    for (let i = 0; i < 12; i++) {
      const item = await storedProject('acme', created[11 - i].id);
      expect(item).toMatchObject({ description: `by ${i}`, lastRequestId: updates[i]!.context.awsRequestId });
    }
    expect(new Set(created.map((p) => p.id)).size).toBe(12);
  });

  it('log each failure with its own invocation ids, and nothing for the requests that succeed', async () => {
    // Prepare: queries of tenants named fail-* fail after a delay, the others answer after one
    const lines: string[] = [];
    const spies = (['info', 'warn', 'error', 'debug', 'log'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((line: unknown) => void lines.push(String(line))),
    );
    const dynamo = mockClient(getDocumentClient());
    dynamo.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Record<string, unknown> }) => {
      const failing = Object.values(input.ExpressionAttributeValues).some((v) => typeof v === 'string' && v.includes('fail-'));
      await sleep(1 + Math.floor(Math.random() * 10));
      if (failing) throw Object.assign(new Error('internal detail'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      return { Items: [] };
    });
    const calls = Array.from({ length: 16 }, (_, i) => ({
      event: httpEvent({ method: 'GET', path: '/projects', claims: { sub: `user-${i}`, tenant: i % 2 ? `fail-${i}` : `ok-${i}` } }),
      context: lambdaContext('listProjects'),
    }));

    try {
      // Act
      const statuses = await Promise.all(calls.map(async ({ event, context }) => (await listProjects(event, context)).statusCode));

      // Assess
      expect(statuses).toEqual(calls.map((_, i) => (i % 2 ? 500 : 200)));
      const entries = lines.map((line) => JSON.parse(line));
      expect(entries).toHaveLength(8);
      const expected = calls
        .filter((_, i) => i % 2)
        .map(({ event, context }) => ({ correlation_id: event.requestContext.requestId, function_request_id: context.awsRequestId }));
      const logged = entries.map((e) => ({ correlation_id: e.correlation_id, function_request_id: e.function_request_id }));
      expect(logged.sort((a, b) => a.correlation_id.localeCompare(b.correlation_id))).toEqual(
        expected.sort((a, b) => a.correlation_id.localeCompare(b.correlation_id)),
      );
      for (const entry of entries)
        expect(entry).toMatchObject({ level: 'ERROR', message: 'request failed', function_name: 'listProjects', route: 'GET /projects' });
      expect(JSON.stringify(entries)).not.toMatch(/user-\d|fail-\d/);
    } finally {
      dynamo.restore();
      for (const spy of spies) spy.mockRestore();
    }
  });
});
