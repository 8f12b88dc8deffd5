// The DynamoDB Streams API (`X-Amz-Target: DynamoDBStreams_20120810.<Operation>`):
// ListStreams, DescribeStream, GetShardIterator and GetRecords. Request validation uses
// dynalite's validator with the API's documented constraints, so that errors read as
// DynamoDB's ("1 validation error detected: Value '0' at 'limit' failed to satisfy
// constraint: Member must have value greater than or equal to 1").
import { getTable, validateRequest } from '../dynalite.js';
import type { ValidationSpec } from '../dynalite.js';
import type { Engine } from '../engine.js';
import { expiredIterator, isApiError, resourceNotFound, trimmedDataAccess, validationError } from '../errors.js';
import { RawJson } from '../items.js';
import type { Handler } from '../items.js';
import { ITERATOR_TTL_MS, decodeIterator, encodeIterator } from './iterators.js';
import type { StreamMeta } from './store.js';

const STREAM_ARN = { type: 'String', lengthGreaterThanOrEqual: 37, lengthLessThanOrEqual: 1024 };
const SHARD_ID = { type: 'String', lengthGreaterThanOrEqual: 28, lengthLessThanOrEqual: 65 };
const ITERATOR_TYPES = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'];

const listStreamsSpec: ValidationSpec = {
  types: {
    TableName: { type: 'String', regex: '[a-zA-Z0-9_.-]+', lengthGreaterThanOrEqual: 3, lengthLessThanOrEqual: 255 },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 100 },
    ExclusiveStartStreamArn: STREAM_ARN,
  },
};
const describeStreamSpec: ValidationSpec = {
  types: {
    StreamArn: { ...STREAM_ARN, notNull: true },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 100 },
    ExclusiveStartShardId: SHARD_ID,
    ShardFilter: {
      type: 'FieldStruct<ShardFilter>',
      children: { Type: { type: 'String', enum: ['CHILD_SHARDS'] }, ShardId: SHARD_ID },
    },
  },
};
const getShardIteratorSpec: ValidationSpec = {
  types: {
    StreamArn: { ...STREAM_ARN, notNull: true },
    ShardId: { ...SHARD_ID, notNull: true },
    ShardIteratorType: { type: 'String', notNull: true, enum: ITERATOR_TYPES },
    SequenceNumber: { type: 'String', lengthGreaterThanOrEqual: 21, lengthLessThanOrEqual: 40 },
  },
};
const getRecordsSpec: ValidationSpec = {
  types: {
    ShardIterator: { type: 'String', notNull: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 2048 },
    Limit: { type: 'Integer', greaterThanOrEqual: 1, lessThanOrEqual: 1000 },
  },
};

const ARN_PATTERN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d+:table\/[a-zA-Z0-9_.-]{3,255}\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/;

/** The stream an ARN names: ValidationException if it is not a stream ARN at all. */
function requireStream(engine: Engine, arn: string): StreamMeta {
  if (!ARN_PATTERN.test(arn)) throw validationError(`Invalid StreamArn: ${arn}`);
  const stream = engine.streams.get(arn);
  if (!stream) throw resourceNotFound(`Requested resource not found: Stream: ${arn} not found`);
  return stream;
}

export const listStreams: Handler = async (engine, request) => {
  const data = validateRequest(request, listStreamsSpec, engine.store);
  const start = data.ExclusiveStartStreamArn as string | undefined;
  if (start !== undefined && !ARN_PATTERN.test(start)) throw validationError(`Invalid ExclusiveStartStreamArn: ${start}`);
  const tableName = data.TableName as string | undefined;
  // Streams of deleted tables are listed as long as they are retained.
  let streams = engine.streams.list().filter((stream) => !tableName || stream.tableName === tableName);
  if (tableName && !streams.length) {
    try {
      await getTable(engine.store, tableName, false);
    } catch (error) {
      if (isApiError(error)) throw resourceNotFound(`Requested resource not found: Table: ${tableName} not found`);
      throw error;
    }
  }
  // ARN order is a stable order for paging, whatever is created between pages.
  streams = streams.sort((a, b) => (a.arn < b.arn ? -1 : 1)).filter((stream) => start === undefined || stream.arn > start);
  const limit = (data.Limit as number | undefined) ?? 100;
  const page = streams.slice(0, limit);
  return {
    Streams: page.map((stream) => ({ StreamArn: stream.arn, TableName: stream.tableName, StreamLabel: stream.label })),
    ...(streams.length > limit ? { LastEvaluatedStreamArn: page.at(-1)!.arn } : {}),
  };
};

export const describeStream: Handler = async (engine, request) => {
  const data = validateRequest(request, describeStreamSpec, engine.store);
  const stream = requireStream(engine, data.StreamArn as string);
  const filter = data.ShardFilter as { Type?: string } | undefined;
  const start = data.ExclusiveStartShardId as string | undefined;
  // One shard per stream, which has no parent and no children.
  const shards = [
    {
      ShardId: stream.shardId,
      SequenceNumberRange: { StartingSequenceNumber: stream.startSeq, ...(stream.endSeq ? { EndingSequenceNumber: stream.endSeq } : {}) },
    },
  ].filter((shard) => filter?.Type !== 'CHILD_SHARDS' && (start === undefined || shard.ShardId > start));
  return {
    StreamDescription: {
      StreamArn: stream.arn,
      StreamLabel: stream.label,
      StreamStatus: stream.status,
      StreamViewType: stream.viewType,
      CreationRequestDateTime: stream.createdAt / 1000,
      TableName: stream.tableName,
      KeySchema: stream.keySchema,
      Shards: shards.slice(0, (data.Limit as number | undefined) ?? 100),
    },
  };
};

export const getShardIterator: Handler = async (engine, request) => {
  const data = validateRequest(request, getShardIteratorSpec, engine.store);
  const stream = requireStream(engine, data.StreamArn as string);
  if (data.ShardId !== stream.shardId)
    throw resourceNotFound(`Requested resource not found: Shard: ${data.ShardId as string} in Stream: ${stream.arn} not found`);
  const type = data.ShardIteratorType as string;
  const sequenceNumber = data.SequenceNumber as string | undefined;
  const bySequenceNumber = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (bySequenceNumber && sequenceNumber === undefined) throw validationError(`A SequenceNumber is required for ShardIteratorType ${type}`);
  if (!bySequenceNumber && sequenceNumber !== undefined)
    throw validationError(`A SequenceNumber cannot be given for ShardIteratorType ${type}`);
  let after: string;
  if (type === 'TRIM_HORIZON') after = stream.trimmedThrough ?? (BigInt(stream.startSeq) - 1n).toString();
  else if (type === 'LATEST') after = engine.streams.lastSequenceNumber(stream);
  else {
    if (!/^\d+$/.test(sequenceNumber!)) throw validationError(`Invalid SequenceNumber: ${sequenceNumber}`);
    const number = BigInt(sequenceNumber!);
    // A sequence number of this shard: from its start to its newest record (or its end, once closed).
    const last = BigInt(stream.endSeq ?? engine.streams.lastSequenceNumber(stream));
    if (number < BigInt(stream.startSeq) || number > (last > BigInt(stream.startSeq) ? last : BigInt(stream.startSeq))) {
      throw validationError(`Invalid SequenceNumber: ${sequenceNumber} is not in the range of shard ${stream.shardId}`);
    }
    const trimmed = stream.trimmedThrough ? BigInt(stream.trimmedThrough) : -1n;
    if (type === 'AT_SEQUENCE_NUMBER' ? number <= trimmed : number < trimmed) throw trimmedDataAccess();
    after = (type === 'AT_SEQUENCE_NUMBER' ? number - 1n : number).toString();
  }
  return {
    ShardIterator: encodeIterator({
      streamArn: stream.arn,
      shardId: stream.shardId,
      after: after.padStart(21, '0'),
      issuedAt: engine.clock(),
    }),
  };
};

export const getRecords: Handler = async (engine, request) => {
  const data = validateRequest(request, getRecordsSpec, engine.store);
  const position = decodeIterator(data.ShardIterator as string);
  const now = engine.clock();
  if (now - position.issuedAt > ITERATOR_TTL_MS) throw expiredIterator();
  const stream = engine.streams.get(position.streamArn);
  if (!stream || stream.shardId !== position.shardId)
    throw resourceNotFound(`Requested resource not found: Stream: ${position.streamArn} not found`);
  if (stream.trimmedThrough && BigInt(position.after) < BigInt(stream.trimmedThrough)) throw trimmedDataAccess();
  const { records, last } = await engine.streams.read(stream, position.after, (data.Limit as number | undefined) ?? 1000);
  const after = last ?? position.after;
  // A disabled stream's shard is closed: once read to its end, there is no next iterator.
  const exhausted = stream.status === 'DISABLED' && BigInt(after) >= BigInt(engine.streams.lastSequenceNumber(stream));
  const next = exhausted
    ? ''
    : `,"NextShardIterator":${JSON.stringify(encodeIterator({ streamArn: stream.arn, shardId: stream.shardId, after, issuedAt: now }))}`;
  // The records are stored as the JSON we send: no parsing, no serialising.
  return new RawJson(`{"Records":[${records.join(',')}]${next}}`);
};
