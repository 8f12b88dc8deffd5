// Group commit: every change (item, index entries and stream records of one write or one
// transaction) goes to the store as one atomic batch, and batches reach the store in the
// order `commit()` was called. While a batch is being written, the next commits queue
// up and go together in the following batch, so writers never wait for more than one
// batch ahead of them, however many there are.
//
// In-order batches are what make stream reads safe: sequence numbers are handed out in
// the same synchronous step as `commit()`, so the records a reader can see are always a
// prefix of the sequence, and an iterator that has passed record N can never miss a
// record numbered below N that lands later.
import type { BatchOp, MainDb } from './dynalite.js';

interface Pending {
  ops: BatchOp[];
  resolve(): void;
  reject(error: unknown): void;
}

export class Committer {
  readonly #db: MainDb;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;

  constructor(db: MainDb) {
    this.#db = db;
  }

  /** Queues `ops` synchronously; resolves when they are in the store. */
  commit(ops: BatchOp[]): Promise<void> {
    if (!ops.length) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#queue.push({ ops, resolve, reject }));
    this.#flushing ??= this.#flush();
    return done;
  }

  /** Resolves when everything committed so far is in the store (or failed). */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queue.length) {
        const group = this.#queue;
        this.#queue = [];
        try {
          await this.#db.batch(group.length === 1 ? group[0]!.ops : group.flatMap((pending) => pending.ops));
          for (const pending of group) pending.resolve();
        } catch (error) {
          for (const pending of group) pending.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}
