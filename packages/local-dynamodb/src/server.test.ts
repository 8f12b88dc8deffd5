import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createDynamoDBClient, ensureTables, ensureTablesAt } from './ensure-tables.js';
import { LocalDynamoDBDataDirInUseError, LocalDynamoDBPortInUseError, startLocalDynamoDB } from './server.js';
import type { LocalDynamoDB, LocalDynamoDBOptions } from './server.js';
import { readTableDefinitions } from './table-definition.js';
import type { TableDefinition } from './table-definition.js';

const rootServerlessYml = fileURLToPath(new URL('../../../serverless.yml', import.meta.url));
const TABLE = 'rest-api-data-local';
const key = { pk: { S: 'ORG#o1' }, sk: { S: 'TEAM#t1' } };
const item = { ...key, name: { S: 'Launch' }, gsi1pk: { S: 'TEAM#t1' }, gsi1sk: { S: 'STATE#open' } };

let definitions: TableDefinition[];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  definitions = await readTableDefinitions(rootServerlessYml);
});

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function start(options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> {
  const db = await startLocalDynamoDB({ port: 0, warn: () => undefined, ...options });
  cleanups.push(() => db.stop());
  return db;
}

function clientFor(db: LocalDynamoDB): DynamoDBClient {
  const client = createDynamoDBClient(db.endpoint);
  cleanups.push(async () => client.destroy());
  return client;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'local-dynamodb-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function getItem(client: DynamoDBClient): Promise<unknown> {
  return (await client.send(new GetItemCommand({ TableName: TABLE, Key: key, ConsistentRead: true }))).Item;
}

describe('startLocalDynamoDB', () => {
  it('listens on loopback and creates the serverless.yml table with its keys and index', async () => {
    // Act
    const db = await start({ tables: definitions });

    // Assess
    expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
    expect(db.port).toBeGreaterThan(0);
    expect(db.tables).toEqual([{ tableName: TABLE, action: 'created', addedIndexes: [], missingIndexes: [], timeToLive: 'enabled' }]);
    const { Table } = await clientFor(db).send(new DescribeTableCommand({ TableName: TABLE }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus, index.KeySchema])).toEqual([
      [
        'gsi1',
        'ACTIVE',
        [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
      ],
    ]);
  });

  it('round-trips an item with the AWS SDK', async () => {
    // Prepare
    const db = await start({ tables: definitions });
    const client = clientFor(db);

    // Act
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));

    // Assess
    expect(await getItem(client)).toEqual(item);
  });

  it('keeps the data across a restart with the same dataDir', async () => {
    // Prepare
    const dataDir = await tempDir();
    const first = await start({ dataDir, tables: definitions });
    const firstClient = clientFor(first);
    await firstClient.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    await first.stop();

    // Act
    const second = await start({ dataDir, tables: definitions });

    // Assess
    expect(second.tables[0]?.action).toBe('existing');
    expect(await getItem(clientFor(second))).toEqual(item);
  });

  it('forgets the data across a restart in memory', async () => {
    // Prepare
    const first = await start({ tables: definitions });
    await clientFor(first).send(new PutItemCommand({ TableName: TABLE, Item: item }));
    await first.stop();

    // Act
    const second = await start({ tables: definitions });

    // Assess
    expect(second.tables[0]?.action).toBe('created');
    expect(await getItem(clientFor(second))).toBeUndefined();
  });

  it('makes tables ACTIVE as CreateTable answers, and frees the name as DeleteTable answers (createTableMs/deleteTableMs 0)', async () => {
    // Prepare
    const db = await start();
    const client = clientFor(db);
    const create = () =>
      client.send(
        new CreateTableCommand({
          TableName: 'at-once',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );

    // Act
    const created = await create();
    await client.send(new PutItemCommand({ TableName: 'at-once', Item: { pk: { S: 'x' } } }));
    await client.send(new DeleteTableCommand({ TableName: 'at-once' }));
    const again = await create();

    // Assess
    expect(created.TableDescription?.TableStatus).toBe('ACTIVE');
    expect(again.TableDescription?.TableStatus).toBe('ACTIVE');
  });

  it('stops promptly although a client still holds keep-alive connections', async () => {
    // Prepare
    const db = await start({ tables: definitions });
    await getItem(clientFor(db));

    // Act
    const startedAt = Date.now();
    await db.stop();

    // Assess
    expect(Date.now() - startedAt).toBeLessThan(500);
    await expect(fetch(db.endpoint)).rejects.toThrow();
  });

  it('rejects a taken port with a typed, clear error and releases the data directory', async () => {
    // Prepare
    const other = await start();
    const dataDir = await tempDir();

    // Act
    const taken = startLocalDynamoDB({ port: other.port, dataDir });

    // Assess
    await expect(taken).rejects.toBeInstanceOf(LocalDynamoDBPortInUseError);
    await expect(taken).rejects.toThrow(`port ${other.port} on 127.0.0.1 is already in use: stop the other process or set DB_PORT`);
    const retry = await start({ dataDir, tables: definitions });
    expect(retry.tables[0]?.action).toBe('created');
  });

  it('rejects a data directory another running server holds, rather than crashing later', async () => {
    // Prepare
    const dataDir = await tempDir();
    await start({ dataDir });

    // Act
    const second = startLocalDynamoDB({ port: 0, dataDir });

    // Assess
    await expect(second).rejects.toBeInstanceOf(LocalDynamoDBDataDirInUseError);
  });
});

describe('ensureTables', () => {
  it('is idempotent and keeps the items', async () => {
    // Prepare
    const db = await start({ tables: definitions });
    const client = clientFor(db);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));

    // Act
    const first = await ensureTables(client, definitions);
    const second = await ensureTables(client, definitions);

    // Assess
    for (const results of [first, second]) {
      expect(results).toEqual([
        { tableName: TABLE, action: 'existing', addedIndexes: [], missingIndexes: [], stream: 'unchanged', timeToLive: 'unchanged' },
      ]);
    }
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
    expect(await getItem(client)).toEqual(item);
  });

  it('warns, without failing or touching items, when the endpoint cannot add a missing index', async () => {
    // Prepare: the table as it was before gsi1 existed.
    const [table] = definitions as [TableDefinition];
    const { GlobalSecondaryIndexes: _gsis, ...withoutIndex } = table.createTable;
    const db = await start({
      tables: [{ ...table, createTable: { ...withoutIndex, AttributeDefinitions: withoutIndex.AttributeDefinitions?.slice(0, 2) } }],
    });
    const client = clientFor(db);
    await client.send(new PutItemCommand({ TableName: TABLE, Item: item }));
    const warnings: string[] = [];

    // Act
    const results = await ensureTables(client, definitions, { warn: (message) => warnings.push(message) });

    // Assess: dynalite cannot add an index to an existing table.
    expect(results[0]).toMatchObject({ action: 'existing', addedIndexes: [], missingIndexes: ['gsi1'] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^table rest-api-data-local: index gsi1 is missing and could not be added/);
    expect(await getItem(client)).toEqual(item);
  });

  it('ensureTablesAt creates the tables on another endpoint with its own client', async () => {
    // Prepare: an endpoint that has no tables yet, as DYNAMODB_ENDPOINT would give.
    const db = await start();

    // Act
    const results = await ensureTablesAt(db.endpoint, definitions);

    // Assess
    expect(results.map((result) => [result.tableName, result.action])).toEqual([[TABLE, 'created']]);
    expect((await clientFor(db).send(new ListTablesCommand({}))).TableNames).toEqual([TABLE]);
  });
});
