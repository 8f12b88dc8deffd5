// Token buckets, keyed by string, on a clock passed in: the budgets of the throughput
// limits (limits.ts). A bucket refills at `rate` units per second up to `capacity`, and a
// request that charges several buckets (an item and its index entries, every item of a
// transaction) is admitted by all of them or by none.
//
// Written here rather than taken from a rate-limiting library: the ones on npm
// (rate-limiter-flexible, limiter, bottleneck) read the wall clock, which would make the
// engine's tests wait in real time, and none debits several keys atomically, which a
// transaction needs.
//
// Admission: a bucket admits a charge when it holds at least the charge, or when it is
// full and the charge is larger than it can ever hold (a 1 MB Query against a small
// budget would otherwise never pass); the bucket then goes negative and the request after
// it waits until the debt is paid back. Either way the sustained rate never exceeds `rate`.

export interface BucketCharge {
  key: string;
  cost: number;
  /** Units per second. */
  rate: number;
  /** The most units the bucket holds: `rate` times the seconds of burst it keeps. */
  capacity: number;
}

interface Bucket {
  tokens: number;
  /** Clock time (ms) of `tokens`. */
  at: number;
  /** Clock time (ms) from which the bucket is full again, as if it had never been used. */
  fullAt: number;
}

/** Below this many buckets, full ones are not swept away. */
const SWEEP_FLOOR = 4_096;

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: () => number;
  #sweepAbove = SWEEP_FLOOR;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  /**
   * Admits every charge or none: returns the keys that refuse (empty when all were
   * debited). Charges to the same key add up.
   */
  admit(charges: readonly BucketCharge[]): string[] {
    const now = this.#clock();
    const demand = new Map<string, BucketCharge>();
    for (const charge of charges) {
      const seen = demand.get(charge.key);
      demand.set(charge.key, seen ? { ...seen, cost: seen.cost + charge.cost } : charge);
    }
    const refused: string[] = [];
    for (const charge of demand.values()) {
      const tokens = this.#tokens(charge, now);
      if (tokens < Math.min(charge.cost, charge.capacity)) refused.push(charge.key);
    }
    if (refused.length) return refused;
    for (const charge of demand.values()) {
      const tokens = this.#tokens(charge, now) - charge.cost;
      this.#buckets.set(charge.key, { tokens, at: now, fullAt: now + ((charge.capacity - tokens) / charge.rate) * 1000 });
    }
    if (this.#buckets.size > this.#sweepAbove) this.#sweep(now);
    return [];
  }

  /** Forgets every bucket: all start full again. */
  clear(): void {
    this.#buckets.clear();
    this.#sweepAbove = SWEEP_FLOOR;
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Units in the bucket at `now`: a bucket never used, or idle long enough, is full. */
  #tokens(charge: BucketCharge, now: number): number {
    const bucket = this.#buckets.get(charge.key);
    if (!bucket) return charge.capacity;
    return Math.min(charge.capacity, bucket.tokens + (charge.rate * Math.max(0, now - bucket.at)) / 1000);
  }

  /**
   * A full bucket is the same as no bucket, so the ones that have refilled are dropped:
   * memory follows the keys in use, not every key ever written. Sweeps run when the
   * count doubles, so their cost spreads over the charges in between.
   */
  #sweep(now: number): void {
    for (const [key, bucket] of this.#buckets) if (bucket.fullAt <= now) this.#buckets.delete(key);
    this.#sweepAbove = Math.max(SWEEP_FLOOR, this.#buckets.size * 2);
  }
}
