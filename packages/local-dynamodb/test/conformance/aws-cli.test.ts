// The AWS CLI (`aws dynamodb …`, `aws dynamodbstreams …` with --endpoint-url), as a
// user runs it against `npm run db`: dummy credentials and the region in the
// environment, JSON output. Needs `aws` on the PATH (`apt-get install awscli`; .ci/run
// installs it). Works with AWS CLI v1 and v2.
import { execFile } from 'node:child_process';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { externalEndpoint, region, startTarget, streamSpecification, suiteTimeout } from './target.js';
import type { Target } from './target.js';

let target: Target;
const cliTables: string[] = [];
beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  for (const table of cliTables) await aws('dynamodb', 'delete-table', '--table-name', table).catch(() => undefined);
  await target?.stop();
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'aws',
      [...args, '--endpoint-url', target.endpoint, '--output', 'json'],
      {
        env: {
          ...process.env,
          ...(target.credentials
            ? { AWS_ACCESS_KEY_ID: target.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey }
            : {}),
          AWS_DEFAULT_REGION: region,
          AWS_PAGER: '',
          AWS_EC2_METADATA_DISABLED: 'true',
          // No profile of the machine may change what is tested.
          AWS_CONFIG_FILE: '/nonexistent/aws-config',
          ...(target.credentials ? { AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials' } : {}),
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`cannot run the AWS CLI (install it: apt-get install awscli): ${error.message}`));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs `aws <args>` and parses its JSON output; rejects with stderr when it fails. */
async function aws(...args: string[]): Promise<Record<string, unknown>> {
  const result = await run(args);
  if (result.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim() ? (JSON.parse(result.stdout) as Record<string, unknown>) : {};
}

const json = (value: unknown): string => JSON.stringify(value);
/** Each `aws` run starts a Python interpreter: seconds apiece on a busy machine. */
const cliTimeout = suiteTimeout + 150_000;
jest.setTimeout(cliTimeout);
const tableName = () => `cli-${Math.random().toString(36).slice(2, 10)}`;

describe('aws dynamodb', () => {
  it('creates a table with a stream, writes in a transaction, reads back, and manages TTL', async () => {
    // Prepare
    const TableName = tableName();
    cliTables.push(TableName);

    // Act
    const created = (await aws(
      'dynamodb',
      'create-table',
      '--table-name',
      TableName,
      '--attribute-definitions',
      'AttributeName=pk,AttributeType=S',
      '--key-schema',
      'AttributeName=pk,KeyType=HASH',
      '--billing-mode',
      'PAY_PER_REQUEST',
      '--stream-specification',
      'StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES',
    )) as { TableDescription: Record<string, unknown> };
    // The embedded engine answers CreateTable with an ACTIVE table; others take a while.
    if (externalEndpoint) await aws('dynamodb', 'wait', 'table-exists', '--table-name', TableName);
    await aws(
      'dynamodb',
      'transact-write-items',
      '--transact-items',
      json([{ Put: { TableName, Item: { pk: { S: 'a' }, n: { N: '1' } } } }, { Put: { TableName, Item: { pk: { S: 'b' } } } }]),
    );
    // Independent runs go in parallel: each one starts a Python interpreter.
    const [cancelled, ttl, read] = await Promise.all([
      run([
        'dynamodb',
        'transact-write-items',
        '--transact-items',
        json([
          { ConditionCheck: { TableName, Key: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Delete: { TableName, Key: { pk: { S: 'b' } } } },
        ]),
      ]),
      aws(
        'dynamodb',
        'update-time-to-live',
        '--table-name',
        TableName,
        '--time-to-live-specification',
        'Enabled=true,AttributeName=expiresAt',
      ),
      aws('dynamodb', 'get-item', '--table-name', TableName, '--key', json({ pk: { S: 'b' } }), '--consistent-read'),
    ]);
    const describedTtl = await aws('dynamodb', 'describe-time-to-live', '--table-name', TableName);

    // Assess
    expect(created.TableDescription.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(created.TableDescription.LatestStreamArn).toMatch(new RegExp(`:table/${TableName}/stream/`));
    expect(cancelled.code).not.toBe(0);
    expect(cancelled.stderr).toContain('TransactionCanceledException');
    expect(cancelled.stderr).toContain('[ConditionalCheckFailed, None]');
    expect(read).toEqual({ Item: { pk: { S: 'b' } } });
    expect(ttl).toEqual({ TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } });
    expect(describedTtl).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' } });
  });
});

describe('aws dynamodbstreams', () => {
  it('lists and describes the stream, and reads its records from TRIM_HORIZON', async () => {
    // Prepare
    const table = await target.createTable('cli-streams', streamSpecification('NEW_IMAGE'));
    await target.dynamodb.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: 'x' }, v: { N: '1' } } }));
    await target.dynamodb.send(new PutItemCommand({ TableName: table.TableName, Item: { pk: { S: 'x' }, v: { N: '2' } } }));

    // Act
    const [listed, described] = (await Promise.all([
      aws('dynamodbstreams', 'list-streams', '--table-name', table.TableName),
      aws('dynamodbstreams', 'describe-stream', '--stream-arn', table.LatestStreamArn!),
    ])) as [{ Streams: { StreamArn: string }[] }, { StreamDescription: { StreamStatus: string; Shards: { ShardId: string }[] } }];
    const { ShardIterator } = (await aws(
      'dynamodbstreams',
      'get-shard-iterator',
      '--stream-arn',
      table.LatestStreamArn!,
      '--shard-id',
      described.StreamDescription.Shards[0]!.ShardId,
      '--shard-iterator-type',
      'TRIM_HORIZON',
    )) as { ShardIterator: string };
    const [page, invalid] = (await Promise.all([
      aws('dynamodbstreams', 'get-records', '--shard-iterator', ShardIterator),
      run(['dynamodbstreams', 'get-records', '--shard-iterator', 'not-an-iterator']),
    ])) as [
      {
        Records: {
          eventName: string;
          eventSource: string;
          dynamodb: { NewImage: unknown; SequenceNumber: string; StreamViewType: string };
        }[];
        NextShardIterator: string;
      },
      CliResult,
    ];

    // Assess
    expect(listed.Streams.map((stream) => stream.StreamArn)).toEqual([table.LatestStreamArn]);
    expect(described.StreamDescription.StreamStatus).toBe('ENABLED');
    expect(
      page.Records.map((record) => [record.eventName, record.eventSource, record.dynamodb.NewImage, record.dynamodb.StreamViewType]),
    ).toEqual([
      ['INSERT', 'aws:dynamodb', { pk: { S: 'x' }, v: { N: '1' } }, 'NEW_IMAGE'],
      ['MODIFY', 'aws:dynamodb', { pk: { S: 'x' }, v: { N: '2' } }, 'NEW_IMAGE'],
    ]);
    expect(BigInt(page.Records[0]!.dynamodb.SequenceNumber)).toBeLessThan(BigInt(page.Records[1]!.dynamodb.SequenceNumber));
    expect(page.NextShardIterator).toBeTruthy();
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toContain('ValidationException');
  });
});
