// Shard iterators. Like DynamoDB's, they start with the stream ARN and are otherwise
// opaque to clients: `<streamArn>|1|<base64url(JSON)>`. The payload says where reading
// resumes (after which sequence number) and when the iterator was issued, since an
// iterator is only good for 15 minutes. Nothing is stored server side.
import { validationError } from '../errors.js';

/** DynamoDB Streams iterators expire 15 minutes after they are issued. */
export const ITERATOR_TTL_MS = 15 * 60 * 1000;

export interface IteratorPosition {
  streamArn: string;
  shardId: string;
  /** Read records with a sequence number greater than this. */
  after: string;
  issuedAt: number;
}

interface Payload {
  s: string;
  a: string;
  i: number;
}

export function encodeIterator(position: IteratorPosition): string {
  const payload: Payload = { s: position.shardId, a: position.after, i: position.issuedAt };
  return `${position.streamArn}|1|${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
}

/** The position an iterator encodes; ValidationException when it is not one of ours. */
export function decodeIterator(iterator: string): IteratorPosition {
  const separator = iterator.lastIndexOf('|1|');
  if (separator > 0) {
    try {
      const payload = JSON.parse(Buffer.from(iterator.slice(separator + 3), 'base64url').toString('utf8')) as Partial<Payload>;
      if (typeof payload.s === 'string' && typeof payload.a === 'string' && /^\d+$/.test(payload.a) && typeof payload.i === 'number') {
        return { streamArn: iterator.slice(0, separator), shardId: payload.s, after: payload.a, issuedAt: payload.i };
      }
    } catch {
      // Not JSON: fall through to the error below.
    }
  }
  throw validationError('Invalid ShardIterator');
}
