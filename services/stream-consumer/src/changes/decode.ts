// A DynamoDB stream record, read as the change of one of our entities.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { UnprocessableRecordError } from '../errors.js';

export type Image = Record<string, unknown>;

export interface Change {
  kind: 'INSERT' | 'MODIFY' | 'REMOVE';
  entity: string | undefined;
  eventId: string;
  sequenceNumber: string;
  /** Commit time from the stream (second precision on AWS), ISO 8601. */
  approximateAt: string;
  keys: { pk: string; sk: string };
  oldImage?: Image;
  newImage?: Image;
  /** The API request that made the change, when an API request made it (inserts and modifications). */
  requestId?: string;
  /**
   * For a removal: the request that last wrote the item. A delete leaves no trace on the item,
   * so the request that deleted it cannot be known from the record.
   */
  lastWriteRequestId?: string;
}

const image = (attributes: unknown): Image | undefined =>
  attributes ? unmarshall(attributes as Record<string, AttributeValue>) : undefined;

export function decodeRecord(record: DynamoDBRecord): Change {
  const { eventName, eventID, dynamodb } = record;
  if (!eventName || !eventID || !dynamodb?.SequenceNumber || !dynamodb.Keys) {
    throw new UnprocessableRecordError('undecodable', 'stream record without eventName, eventID, SequenceNumber or Keys');
  }
  let keys: { pk?: unknown; sk?: unknown }, oldImage: Image | undefined, newImage: Image | undefined;
  try {
    keys = image(dynamodb.Keys)!;
    oldImage = image(dynamodb.OldImage);
    newImage = image(dynamodb.NewImage);
  } catch (error) {
    throw new UnprocessableRecordError('undecodable', `stream record with attributes that do not unmarshall: ${(error as Error).message}`);
  }
  if (typeof keys.pk !== 'string' || typeof keys.sk !== 'string') {
    throw new UnprocessableRecordError('undecodable', 'stream record without string pk/sk keys');
  }
  const entities = new Set([oldImage?.entity, newImage?.entity].filter((entity) => entity !== undefined));
  if (entities.size > 1) throw new UnprocessableRecordError('unknown-entity', 'item whose entity changed between its old and new image');
  const [entity] = entities;
  if (entity !== undefined && typeof entity !== 'string')
    throw new UnprocessableRecordError('unknown-entity', 'item whose entity is not a string');
  const requestId = newImage?.lastRequestId;
  const lastWriteRequestId = eventName === 'REMOVE' ? oldImage?.lastRequestId : undefined;
  return {
    kind: eventName,
    entity,
    eventId: eventID,
    sequenceNumber: dynamodb.SequenceNumber,
    approximateAt: new Date((dynamodb.ApproximateCreationDateTime ?? 0) * 1000).toISOString(),
    keys: { pk: keys.pk, sk: keys.sk },
    oldImage,
    newImage,
    ...(typeof requestId === 'string' ? { requestId } : {}),
    ...(typeof lastWriteRequestId === 'string' ? { lastWriteRequestId } : {}),
  };
}

/** A string attribute the entity must have; a record without it can never succeed. */
export function requiredString(item: Image | undefined, attribute: string, entity: string): string {
  const value = item?.[attribute];
  if (typeof value !== 'string' || value === '')
    throw new UnprocessableRecordError('unreadable-item', `${entity} item without a string ${attribute}`);
  return value;
}
