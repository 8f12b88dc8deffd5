// A DynamoDB stream record, read as the change of one of our entities.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

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

/** A record this consumer cannot make sense of: retrying will not help, it belongs in the dead-letter queue. */
export class PoisonRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonRecordError';
  }
}

const image = (attributes: unknown): Image | undefined =>
  attributes ? unmarshall(attributes as Record<string, AttributeValue>) : undefined;

export function decodeRecord(record: DynamoDBRecord): Change {
  const { eventName, eventID, dynamodb } = record;
  if (!eventName || !eventID || !dynamodb?.SequenceNumber || !dynamodb.Keys) {
    throw new PoisonRecordError('stream record without eventName, eventID, SequenceNumber or Keys');
  }
  const keys = image(dynamodb.Keys) as { pk?: unknown; sk?: unknown };
  if (typeof keys.pk !== 'string' || typeof keys.sk !== 'string') throw new PoisonRecordError('stream record without string pk/sk keys');
  const oldImage = image(dynamodb.OldImage);
  const newImage = image(dynamodb.NewImage);
  const requestId = newImage?.lastRequestId;
  const lastWriteRequestId = eventName === 'REMOVE' ? oldImage?.lastRequestId : undefined;
  return {
    kind: eventName,
    entity: ((newImage ?? oldImage)?.entity as string | undefined) ?? undefined,
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

/** A string attribute the entity must have; a record without it is poison. */
export function requiredString(item: Image | undefined, attribute: string): string {
  const value = item?.[attribute];
  if (typeof value !== 'string' || value === '') throw new PoisonRecordError(`item without a string ${attribute}`);
  return value;
}
