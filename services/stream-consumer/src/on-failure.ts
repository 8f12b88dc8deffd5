// The on-failure destination of the stream's event-source mapping, which the function writes to
// itself too: a record that can never succeed is sent there whole (keys, images, eventID) with
// the reason, so that it can be fixed and replayed, and the batch goes on without it.
//
// ON_FAILURE_DESTINATION holds its address: the SQS queue's URL on AWS (serverless.yml), and
// locally a file: URL of the folder where the local event-source mapping writes its own failed
// batches (it sets the variable, as it references the destination's resource). The function
// does not know which: it sends to what it is given. An empty value sends nothing.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord } from 'aws-lambda';
import type { UnprocessableRecordError, UnprocessableReason } from './errors.js';
import { tracer } from './tracer.js';

export interface SkippedRecordMessage {
  /** Tells these messages from the batch metadata that Lambda sends to the same destination. */
  kind: 'skipped-record';
  version: '1.0';
  timestamp: string;
  reason: { code: UnprocessableReason; message: string };
  invocation: { functionName: string; awsRequestId: string; batchSize: number; position: number };
  /** The record as the function received it. */
  record: DynamoDBRecord;
  /** Set when the images were left out to fit a message (the keys and eventID remain). */
  imagesOmitted?: true;
}

/** SQS takes messages of up to 256 KiB; a record with two images of 400 KB does not fit. */
const MAX_MESSAGE_BYTES = 256 * 1024;

export function skippedRecordMessage(
  record: DynamoDBRecord,
  error: UnprocessableRecordError,
  invocation: SkippedRecordMessage['invocation'],
): SkippedRecordMessage {
  const message: SkippedRecordMessage = {
    kind: 'skipped-record',
    version: '1.0',
    timestamp: new Date().toISOString(),
    reason: { code: error.reason, message: error.message },
    invocation,
    record,
  };
  if (Buffer.byteLength(JSON.stringify(message)) <= MAX_MESSAGE_BYTES) return message;
  const { NewImage: _new, OldImage: _old, ...rest } = record.dynamodb ?? {};
  return { ...message, record: { ...record, dynamodb: rest }, imagesOmitted: true };
}

let sqs: SQSClient | undefined;

/** Sends the message to the destination; returns where it went, for the log line. */
export async function sendToOnFailureDestination(message: SkippedRecordMessage): Promise<string> {
  const destination = process.env.ON_FAILURE_DESTINATION;
  if (destination === undefined) throw new Error('ON_FAILURE_DESTINATION is not set');
  if (destination === '') return 'none (ON_FAILURE_DESTINATION is empty)';
  if (destination.startsWith('file:')) {
    const folder = new URL(destination.endsWith('/') ? destination : `${destination}/`);
    await mkdir(folder, { recursive: true });
    const sequenceNumber = message.record.dynamodb?.SequenceNumber ?? 'unknown';
    const file = new URL(`${message.timestamp.replaceAll(':', '-')}-${sequenceNumber}-skipped-${randomUUID().slice(0, 8)}.json`, folder);
    await writeFile(file, JSON.stringify(message, null, 2));
    return file.pathname;
  }
  // Loaded on first use: most invocations never send anything.
  const { SendMessageCommand, SQSClient } = await import('@aws-sdk/client-sqs');
  sqs ??= tracer ? tracer.captureAWSv3Client(new SQSClient({})) : new SQSClient({});
  await sqs.send(new SendMessageCommand({ QueueUrl: destination, MessageBody: JSON.stringify(message) }));
  return destination;
}
