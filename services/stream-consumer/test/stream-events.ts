// Builds DynamoDB stream records and events as Lambda delivers them, from plain item images.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

let sequence = 1_000_000_000_000_000_000n;
let eventCount = 0;

export type Item = Record<string, unknown>;

export function streamRecord(kind: 'INSERT' | 'MODIFY' | 'REMOVE', images: { old?: Item; new?: Item }, at = new Date()): DynamoDBRecord {
  const item = (images.new ?? images.old)!;
  sequence += 1n;
  return {
    eventID: `event-${++eventCount}-${Math.random().toString(16).slice(2, 10)}`,
    eventName: kind,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(at.getTime() / 1000),
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      ...(images.new ? { NewImage: marshall(images.new, { removeUndefinedValues: true }) as never } : {}),
      ...(images.old ? { OldImage: marshall(images.old, { removeUndefinedValues: true }) as never } : {}),
      SequenceNumber: sequence.toString(),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** Item images as the API writes them (keys included), for tests that fake the API's writes. */
export function projectImage(tenantId: string, id: string, extra: Item = {}): Item {
  return {
    pk: `TENANT#${encodeURIComponent(tenantId)}`,
    sk: `PROJECT#${id}`,
    entity: 'project',
    tenantId,
    id,
    name: 'Project',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    taskCounts: { total: 0, open: 0, in_progress: 0, done: 0 },
    ...extra,
  };
}

export function taskImage(tenantId: string, projectId: string, id: string, extra: Item = {}): Item {
  const status = (extra.status as string | undefined) ?? 'open';
  return {
    pk: `TENANT#${encodeURIComponent(tenantId)}#PROJECT#${projectId}`,
    sk: `TASK#${id}`,
    gsi1pk: `TENANT#${encodeURIComponent(tenantId)}#PROJECT#${projectId}#STATUS#${status}`,
    gsi1sk: `TASK#${id}`,
    entity: 'task',
    tenantId,
    projectId,
    id,
    title: 'Task',
    status,
    createdAt: '2026-01-01T00:00:01.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    version: 1,
    ...extra,
  };
}
