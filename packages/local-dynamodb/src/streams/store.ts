// Streams and their records, kept in dynalite's own LevelDB store next to the items (so
// a write, its index entries and its stream record are one atomic batch, and a data
// folder keeps them all across restarts).
//
//   ldb:stream~<streamArn>        the stream's description (StreamMeta)
//   ldb:rec~<streamId>~<seq>      one record, as text: `<created at, ms>|<the record's JSON>`
//
// Records are kept as the JSON GetRecords sends, so that reading them costs no parsing
// and no serialising: a reader takes as little as possible from the writers.
//
// Table names cannot contain ':' or '~', so these keys never collide with dynalite's
// (`table~`, `item-<table>~`, `index-...`, `tag-<table>~`).
//
// Each stream has a single shard, open while the stream is enabled and closed when it is
// disabled. DynamoDB splits shards every few hours and by throughput; a single shard
// keeps every record of a table in one totally ordered sequence, which is all a
// consumer may rely on anyway (order per item).
import { randomBytes } from 'node:crypto';
import type { BatchOp, KeySchemaElement, MainDb } from '../dynalite.js';
import type { StreamRecord, StreamViewType } from './records.js';

/** Records and disabled streams are kept this long, as DynamoDB does. */
export const RETENTION_MS = 24 * 60 * 60 * 1000;
/** GetRecords returns at most this much, as DynamoDB does. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface StreamMeta {
  arn: string;
  label: string;
  /** Short id used in record keys. */
  id: string;
  tableName: string;
  tableId: string;
  keySchema: KeySchemaElement[];
  viewType: StreamViewType;
  status: 'ENABLED' | 'DISABLED';
  createdAt: number;
  disabledAt?: number;
  shardId: string;
  startSeq: string;
  endSeq?: string;
  /** Sequence number of the newest record removed by retention, if any. */
  trimmedThrough?: string;
}

const META_PREFIX = 'ldb:stream~';
const RECORD_PREFIX = 'ldb:rec~';
/** Sequence numbers are fixed-width decimal strings, so key order is numeric order. */
const SEQ_DIGITS = 21;
/** One past '9': the end of a stream's record range. */
const RANGE_END = ':';

const recordKey = (id: string, seq: string): string => `${RECORD_PREFIX}${id}~${seq}`;
const pad = (seq: bigint): string => seq.toString().padStart(SEQ_DIGITS, '0');

export class StreamStore {
  readonly #db: MainDb;
  readonly #clock: () => number;
  readonly #region: string;
  readonly #accountId: string;
  readonly #streams = new Map<string, StreamMeta>();
  /** Newest sequence number handed out per stream (records may still be on their way to the store). */
  readonly #lastSeq = new Map<string, string>();
  #seq = 0n;

  constructor(options: { db: MainDb; clock: () => number; region: string; accountId: string }) {
    this.#db = options.db;
    this.#clock = options.clock;
    this.#region = options.region;
    this.#accountId = options.accountId;
  }

  get region(): string {
    return this.#region;
  }

  /** Reads the streams of a data folder and resumes the sequence after the newest record. */
  async load(): Promise<void> {
    const metas = (await this.#db.values({ gte: META_PREFIX, lt: `${META_PREFIX}\xff` }).all()) as StreamMeta[];
    for (const meta of metas) {
      this.#streams.set(meta.arn, meta);
      const [lastKey] = await this.#db
        .keys({ gte: recordKey(meta.id, ''), lt: recordKey(meta.id, RANGE_END), reverse: true, limit: 1 })
        .all();
      // The newest record, or, when retention removed them all, the newest removed.
      let last = BigInt(meta.startSeq) - 1n;
      for (const seq of [lastKey?.slice(lastKey.lastIndexOf('~') + 1), meta.trimmedThrough])
        if (seq && BigInt(seq) > last) last = BigInt(seq);
      for (const seq of [meta.startSeq, meta.endSeq, last]) if (seq !== undefined && BigInt(seq) > this.#seq) this.#seq = BigInt(seq);
      this.#lastSeq.set(meta.arn, pad(last));
    }
  }

  /**
   * The next sequence number: numeric, 21 digits like DynamoDB's, strictly increasing
   * across all streams and across restarts. It follows the clock (milliseconds × 10^8)
   * so that numbers keep growing even when every record was trimmed before a restart.
   */
  nextSequenceNumber(): string {
    const fromClock = BigInt(Math.max(0, Math.floor(this.#clock()))) * 100_000_000n;
    this.#seq = fromClock > this.#seq ? fromClock : this.#seq + 1n;
    return pad(this.#seq);
  }

  get(arn: string): StreamMeta | undefined {
    return this.#streams.get(arn);
  }

  /** All streams (enabled, and disabled ones still within retention), oldest first. */
  list(): StreamMeta[] {
    return [...this.#streams.values()].sort((a, b) => a.createdAt - b.createdAt || (a.arn < b.arn ? -1 : 1));
  }

  lastSequenceNumber(meta: StreamMeta): string {
    return this.#lastSeq.get(meta.arn) ?? pad(BigInt(meta.startSeq) - 1n);
  }

  /** A new, enabled stream for a table; its meta is to be committed with `metaOp`. */
  create(table: { TableName: string; TableId: string; KeySchema: KeySchemaElement[] }, viewType: StreamViewType): StreamMeta {
    const now = this.#clock();
    // Labels name a stream within its table: keep them unique even within one millisecond.
    const previous = this.list()
      .filter((meta) => meta.tableName === table.TableName)
      .at(-1);
    const createdAt = previous && previous.createdAt >= now ? previous.createdAt + 1 : now;
    const label = new Date(createdAt).toISOString().replace('Z', '');
    const meta: StreamMeta = {
      arn: `arn:aws:dynamodb:${this.#region}:${this.#accountId}:table/${table.TableName}/stream/${label}`,
      label,
      id: randomBytes(6).toString('hex'),
      tableName: table.TableName,
      tableId: table.TableId,
      keySchema: table.KeySchema,
      viewType,
      status: 'ENABLED',
      createdAt,
      shardId: `shardId-${String(createdAt).padStart(20, '0')}-${randomBytes(4).toString('hex')}`,
      startSeq: this.nextSequenceNumber(),
    };
    this.#streams.set(meta.arn, meta);
    this.#lastSeq.set(meta.arn, pad(BigInt(meta.startSeq) - 1n));
    return meta;
  }

  /** Closes the stream's shard; it stays readable for the retention period. */
  disable(meta: StreamMeta): void {
    if (meta.status === 'DISABLED') return;
    meta.status = 'DISABLED';
    meta.disabledAt = this.#clock();
    const last = this.lastSequenceNumber(meta);
    meta.endSeq = BigInt(last) >= BigInt(meta.startSeq) ? last : meta.startSeq;
  }

  metaOp(meta: StreamMeta): BatchOp {
    return { type: 'put', key: META_PREFIX + meta.arn, value: meta };
  }

  /**
   * The batch entry for one record. Must be followed, in the same synchronous step, by
   * the commit of that batch (see commit.ts).
   */
  recordOp(meta: StreamMeta, record: StreamRecord, now: number): BatchOp {
    const seq = record.dynamodb.SequenceNumber;
    this.#lastSeq.set(meta.arn, seq);
    return { type: 'put', key: recordKey(meta.id, seq), value: `${now}|${JSON.stringify(record)}`, valueEncoding: 'utf8' };
  }

  /**
   * Records after sequence number `after`, oldest first, up to `limit` and about 1 MB:
   * their JSON texts, and the sequence number of the last one.
   */
  async read(meta: StreamMeta, after: string, limit: number): Promise<{ records: string[]; last?: string }> {
    const entries = (await this.#db
      .iterator({ gt: recordKey(meta.id, after), lt: recordKey(meta.id, RANGE_END), limit, valueEncoding: 'utf8' })
      .all()) as [string, string][];
    const records: string[] = [];
    let last: string | undefined;
    let bytes = 0;
    for (const [key, value] of entries) {
      const json = value.slice(value.indexOf('|') + 1);
      bytes += json.length;
      if (records.length && bytes > MAX_RESPONSE_BYTES) break;
      records.push(json);
      last = key.slice(key.lastIndexOf('~') + 1);
    }
    return { records, last };
  }

  /**
   * Retention: removes records older than 24 hours and streams disabled more than 24
   * hours ago. Returns the batch to commit; the caller commits it.
   */
  async trimOps(): Promise<BatchOp[]> {
    const cutoff = this.#clock() - RETENTION_MS;
    const ops: BatchOp[] = [];
    for (const meta of this.list()) {
      if (meta.status === 'DISABLED' && meta.disabledAt! < cutoff) {
        const keys = await this.#db.keys({ gte: recordKey(meta.id, ''), lt: recordKey(meta.id, RANGE_END) }).all();
        for (const key of keys) ops.push({ type: 'del', key });
        ops.push({ type: 'del', key: META_PREFIX + meta.arn });
        this.#streams.delete(meta.arn);
        this.#lastSeq.delete(meta.arn);
        continue;
      }
      let trimmedThrough: string | undefined;
      const iterator = this.#db.iterator({ gte: recordKey(meta.id, ''), lt: recordKey(meta.id, RANGE_END), valueEncoding: 'utf8' });
      try {
        // Records are in sequence order, which is creation order: stop at the first young one.
        for await (const [key, value] of iterator as AsyncIterable<[string, string]>) {
          if (Number(value.slice(0, value.indexOf('|'))) >= cutoff) break;
          trimmedThrough = key.slice(key.lastIndexOf('~') + 1);
          ops.push({ type: 'del', key });
        }
      } finally {
        await iterator.close();
      }
      if (trimmedThrough) {
        meta.trimmedThrough = trimmedThrough;
        ops.push(this.metaOp(meta));
      }
    }
    return ops;
  }
}
