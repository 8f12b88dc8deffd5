// Token buckets on a clock the test moves.
import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from './token-buckets.js';

function buckets() {
  let now = 0;
  return { buckets: new TokenBuckets(() => now), advance: (ms: number) => void (now += ms) };
}

const charge = (key: string, cost: number) => ({ key, cost, rate: 10, capacity: 10 });

describe('TokenBuckets', () => {
  it('admits up to its capacity at once, then refuses', () => {
    // Prepare
    const { buckets: budget } = buckets();
    const admitted = Array.from({ length: 10 }, () => budget.admit([charge('a', 1)]));

    // Act
    const refused = budget.admit([charge('a', 1)]);

    // Assess
    expect(admitted.every((keys) => keys.length === 0)).toBe(true);
    expect(refused).toEqual(['a']);
  });

  it('refills at its rate', () => {
    // Prepare
    const { buckets: budget, advance } = buckets();
    budget.admit([charge('a', 10)]);

    // Act
    advance(300);
    const three = budget.admit([charge('a', 3)]);
    const fourth = budget.admit([charge('a', 1)]);

    // Assess
    expect(three).toEqual([]);
    expect(fourth).toEqual(['a']);
  });

  it('never holds more than its capacity, however long it was idle', () => {
    // Prepare
    const { buckets: budget, advance } = buckets();
    budget.admit([charge('a', 1)]);
    advance(60_000);

    // Act
    const full = budget.admit([charge('a', 10)]);
    const more = budget.admit([charge('a', 1)]);

    // Assess
    expect(full).toEqual([]);
    expect(more).toEqual(['a']);
  });

  it('admits all the charges of a request or none', () => {
    // Prepare
    const { buckets: budget } = buckets();
    budget.admit([charge('b', 10)]);

    // Act
    const refused = budget.admit([charge('a', 5), charge('b', 1)]);
    const untouched = budget.admit([charge('a', 10)]);

    // Assess
    expect(refused).toEqual(['b']);
    expect(untouched).toEqual([]);
  });

  it('adds up the charges of one request to the same key', () => {
    // Prepare: 5 units left, enough for each of the charges below but not for both
    const { buckets: budget } = buckets();
    budget.admit([charge('a', 5)]);

    // Act
    const refused = budget.admit([charge('a', 3), charge('a', 3)]);

    // Assess
    expect(refused).toEqual(['a']);
  });

  it('admits a charge larger than the capacity when full, and makes the next requests wait for the debt', () => {
    // Prepare
    const { buckets: budget, advance } = buckets();
    const large = budget.admit([charge('a', 25)]);

    // Act: 1.5 s later the bucket is still 10 short of zero
    advance(1_500);
    const early = budget.admit([charge('a', 1)]);
    advance(1_000);
    const later = budget.admit([charge('a', 1)]);

    // Assess
    expect(large).toEqual([]);
    expect(early).toEqual(['a']);
    expect(later).toEqual([]);
  });

  it('forgets buckets that have refilled once there are many, and keeps the others', () => {
    // Prepare: 5,000 keys used at once, then one key used a second later
    const { buckets: budget, advance } = buckets();
    for (let index = 0; index < 5_000; index += 1) budget.admit([charge(`key-${index}`, 10)]);
    advance(2_000);
    budget.admit([charge('busy', 10)]);

    // Act: the next one past the threshold sweeps
    for (let index = 0; index < 5_000; index += 1) budget.admit([charge(`other-${index}`, 1)]);
    const busy = budget.admit([charge('busy', 1)]);

    // Assess
    expect(budget.size).toBeLessThan(10_000);
    expect(busy).toEqual(['busy']);
  });

  it('starts every bucket full again after clear()', () => {
    // Prepare
    const { buckets: budget } = buckets();
    budget.admit([charge('a', 10)]);

    // Act
    budget.clear();
    const admitted = budget.admit([charge('a', 10)]);

    // Assess
    expect(admitted).toEqual([]);
  });
});
