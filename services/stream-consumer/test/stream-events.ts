// Builds DynamoDB stream records and events as Lambda delivers them, from plain item images.
import { cleanupEntity, keyOf, projectEntity, taskEntity, toItem } from '@app/data';
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

/** Item images as the API writes them (keys included, from the entity declarations), for tests that fake the API's writes. */
export function projectImage(tenantId: string, id: string, extra: Item = {}): Item {
  const project = { id, name: 'Project', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', version: 1 };
  return { ...toItem(projectEntity, tenantId, { ...project, taskCounts: projectEntity.initial.taskCounts }), ...extra };
}

export function taskImage(tenantId: string, projectId: string, id: string, extra: Item = {}): Item {
  const task = {
    id,
    projectId,
    title: 'Task',
    status: 'open',
    createdAt: '2026-01-01T00:00:01.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    version: 1,
    ...extra,
  };
  // The keys follow the attributes (a status given in `extra` moves the status index key).
  return { ...toItem(taskEntity, tenantId, task), ...extra };
}

/** The cleanup item of a deleted project, as the consumer writes it. */
export function cleanupImage(tenantId: string, projectId: string, extra: Item = {}): Item {
  return { ...keyOf(cleanupEntity, { tenantId, projectId }), entity: cleanupEntity.name, tenantId, projectId, deleted: 0, ...extra };
}
