// Stream records as DynamoDB Streams returns them from GetRecords (the API shape, which
// differs from the Lambda event in one place: the API's Identity is `{PrincipalId, Type}`,
// the Lambda event's `{principalId, type}`).
import { randomUUID } from 'node:crypto';
import { db } from '../dynalite.js';
import type { Item, KeySchemaElement } from '../dynalite.js';

export const STREAM_VIEW_TYPES = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export type StreamViewType = (typeof STREAM_VIEW_TYPES)[number];

export type EventName = 'INSERT' | 'MODIFY' | 'REMOVE';

export interface StreamRecord {
  eventID: string;
  eventName: EventName;
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds, rounded down, as DynamoDB Streams reports it. */
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  /** Only on deletions made by TTL. */
  userIdentity?: { PrincipalId: string; Type: string };
}

export interface Change {
  eventName: EventName;
  /** The item before the change; absent for INSERT. */
  oldItem?: Item;
  /** The item after the change; absent for REMOVE. */
  newItem?: Item;
  /** True for deletions by TTL: the record names the DynamoDB service as the actor. */
  byService?: boolean;
}

/** What a write did to an item, or undefined when it left the item exactly as it was. */
export function describeChange(oldItem: Item | undefined, newItem: Item | undefined): Change | undefined {
  if (!oldItem && !newItem) return undefined;
  if (!oldItem) return { eventName: 'INSERT', newItem };
  if (!newItem) return { eventName: 'REMOVE', oldItem };
  return sameItem(oldItem, newItem) ? undefined : { eventName: 'MODIFY', oldItem, newItem };
}

export function keysOf(item: Item, keySchema: readonly KeySchemaElement[]): Item {
  const keys: Item = {};
  for (const { AttributeName } of keySchema) keys[AttributeName] = item[AttributeName]!;
  return keys;
}

export function buildRecord(
  change: Change,
  context: { keySchema: readonly KeySchemaElement[]; viewType: StreamViewType; sequenceNumber: string; now: number; region: string },
): StreamRecord {
  const { viewType } = context;
  const keys = keysOf((change.newItem ?? change.oldItem)!, context.keySchema);
  const newImage = change.newItem && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? change.newItem : undefined;
  const oldImage = change.oldItem && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES') ? change.oldItem : undefined;
  const record: StreamRecord = {
    eventID: randomUUID().replaceAll('-', ''),
    eventName: change.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: context.region,
    dynamodb: {
      ApproximateCreationDateTime: Math.floor(context.now / 1000),
      Keys: keys,
      ...(newImage ? { NewImage: newImage } : {}),
      ...(oldImage ? { OldImage: oldImage } : {}),
      SequenceNumber: context.sequenceNumber,
      // Keys plus the images carried, measured as DynamoDB measures item size.
      SizeBytes: db.itemSize(keys) + (newImage ? db.itemSize(newImage) : 0) + (oldImage ? db.itemSize(oldImage) : 0),
      StreamViewType: viewType,
    },
  };
  if (change.byService) record.userIdentity = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' };
  return record;
}

const SET_TYPES = new Set(['SS', 'NS', 'BS']);

/** Attribute-value equality as DynamoDB sees it: sets are unordered, numbers compare by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const [typeA] = Object.keys(a);
  const [typeB] = Object.keys(b);
  if (typeA === undefined || typeA !== typeB) return false;
  const valueA = (a as Record<string, unknown>)[typeA];
  const valueB = (b as Record<string, unknown>)[typeB];
  // Numbers need no special case: dynalite stores them normalised (Big.js `toFixed`).
  if (SET_TYPES.has(typeA)) {
    const left = valueA as unknown[];
    const right = valueB as unknown[];
    return left.length === right.length && left.every((element) => right.includes(element));
  }
  if (typeA === 'L') {
    const left = valueA as unknown[];
    const right = valueB as unknown[];
    return left.length === right.length && left.every((element, index) => sameValue(element, right[index]));
  }
  if (typeA === 'M') return sameItem(valueA as Item, valueB as Item);
  return valueA === valueB;
}

export function sameItem(a: Item, b: Item): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key in b && sameValue(a[key], b[key]));
}
