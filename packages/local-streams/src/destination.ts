// The on-failure destination, locally: one JSON file per failed batch, in the shape Lambda
// sends to SQS/SNS for a stream event-source mapping (metadata of the batch, not the records:
// read them from the stream with the sequence numbers it names).
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

export interface FailurePayload {
  requestContext: { requestId: string; functionArn: string; condition: FailureCondition; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  DDBStreamBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

const arrival = (record: DynamoDBRecord) => new Date((record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000).toISOString();

export function failurePayload(input: {
  functionName: string;
  region: string;
  condition: FailureCondition;
  invokeCount: number;
  functionError?: string;
  shardId: string;
  streamArn: string;
  records: DynamoDBRecord[];
}): FailurePayload {
  const first = input.records[0]!;
  const last = input.records.at(-1)!;
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${input.region}:000000000000:function:${input.functionName}`,
      condition: input.condition,
      approximateInvokeCount: input.invokeCount,
    },
    responseContext: {
      statusCode: 200,
      executedVersion: '$LATEST',
      ...(input.functionError ? { functionError: input.functionError } : {}),
    },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.dynamodb!.SequenceNumber!,
      endSequenceNumber: last.dynamodb!.SequenceNumber!,
      approximateArrivalOfFirstRecord: arrival(first),
      approximateArrivalOfLastRecord: arrival(last),
      batchSize: input.records.length,
      streamArn: input.streamArn,
    },
  };
}

/** Writes the payload to `<dir>/<timestamp>-<startSequenceNumber>.json`; returns the path. */
export async function writeFailure(dir: string, payload: FailurePayload): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${payload.timestamp.replaceAll(':', '-')}-${payload.DDBStreamBatchInfo.startSequenceNumber}.json`);
  await writeFile(path, JSON.stringify(payload, null, 2));
  return path;
}
