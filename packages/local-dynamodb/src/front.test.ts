// The HTTP front: what it handles keeps dynalite's envelope (errors, CRC32, request id);
// what it does not handle reaches dynalite untouched.
import { crc32 } from 'node:zlib';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLocalDynamoDB } from './server.js';
import type { LocalDynamoDB } from './server.js';

let db: LocalDynamoDB;
let client: DynamoDBClient;

beforeAll(async () => {
  db = await startLocalDynamoDB({ port: 0, ttlSweepIntervalMs: 0 });
  client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'front',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  client?.destroy();
  await db?.stop();
});

const SIGNED = 'AWS4-HMAC-SHA256 Credential=local/20300101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=abc';

function post(target: string, body: string, headers: Record<string, string> = {}) {
  return fetch(db.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': target,
      authorization: SIGNED,
      'x-amz-date': '20300101T000000Z',
      ...headers,
    },
    body,
  });
}

describe('the front', () => {
  it('serves writes it handles and reads it passes to dynalite on the same endpoint', async () => {
    // Act
    for (const sk of ['2', '1']) await client.send(new PutItemCommand({ TableName: 'front', Item: { pk: { S: 'p' }, sk: { N: sk } } }));
    const { Items } = await client.send(
      new QueryCommand({ TableName: 'front', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } } }),
    );

    // Assess
    expect(Items?.map((item) => item.sk?.N)).toEqual(['1', '2']);
  });

  it('answers with the x-amz-crc32 of the body and a request id, as DynamoDB does', async () => {
    // Act
    const response = await post(
      'DynamoDB_20120810.PutItem',
      JSON.stringify({ TableName: 'front', Item: { pk: { S: 'q' }, sk: { N: '1' } } }),
    );
    const body = await response.text();

    // Assess
    expect(response.status).toBe(200);
    expect(body).toBe('{}');
    expect(response.headers.get('x-amz-crc32')).toBe(String(crc32(body)));
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[A-Z0-9]{52}$/);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
  });

  it('keeps dynalite envelope errors for the operations it handles', async () => {
    // Act
    const unsigned = await post('DynamoDB_20120810.TransactWriteItems', '{}', { authorization: '' });
    const notJson = await post('DynamoDBStreams_20120810.ListStreams', '{not json');
    const empty = await post('DynamoDB_20120810.PutItem', '');

    // Assess
    expect([unsigned.status, await unsigned.json()]).toEqual([
      400,
      { __type: 'com.amazon.coral.service#MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' },
    ]);
    expect([notJson.status, await notJson.json()]).toEqual([400, { __type: 'com.amazon.coral.service#SerializationException' }]);
    expect([empty.status, await empty.json()]).toEqual([400, { __type: 'com.amazon.coral.service#SerializationException' }]);
  });

  it('leaves unknown operations, health checks and other methods to dynalite', async () => {
    // Act
    const unknown = await post('DynamoDB_20120810.ExecuteStatement', '{}');
    const health = await fetch(db.endpoint);

    // Assess
    expect([unknown.status, await unknown.json()]).toEqual([400, { __type: 'com.amazon.coral.service#UnknownOperationException' }]);
    expect([health.status, await health.text()]).toEqual([200, 'healthy: dynamodb.us-east-1.amazonaws.com ']);
  });
});
