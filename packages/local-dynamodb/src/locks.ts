// Per-item locks. Every write holds the lock of its item from the moment it reads the
// current item until its batch is in the store, so a read-modify-write (an update, a
// condition) never races another writer of the same item, and the order in which
// writers get the lock is the order of their commits and of their stream records.
//
// Waiters are served first come, first served. A transaction takes the locks of all its
// items in one sorted order, so two transactions over overlapping items cannot deadlock.

export type Release = () => void;

export class ItemLocks {
  /** Per key, the promise that resolves when the last queued holder releases. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Resolves once all `keys` are held; call the returned function to release them. */
  async acquire(keys: readonly string[]): Promise<Release> {
    const sorted = [...new Set(keys)].sort();
    const releases: Release[] = [];
    for (const key of sorted) releases.push(await this.#acquireOne(key));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const release of releases.reverse()) release();
    };
  }

  /** How many keys are held or awaited (for tests and stop()). */
  get size(): number {
    return this.#tails.size;
  }

  #acquireOne(key: string): Promise<Release> {
    const previous = this.#tails.get(key);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous ? previous.then(() => held) : held;
    this.#tails.set(key, tail);
    const releaseOne: Release = () => {
      release();
      // The last holder leaves no entry behind, so the map only holds busy keys.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
    return previous ? previous.then(() => releaseOne) : Promise.resolve(releaseOne);
  }
}

/** The lock key of an item: its table and dynalite's key string for it. */
export const itemLockKey = (tableName: string, itemKey: string): string => `${tableName}\u0000${itemKey}`;
