import { describe, expect, it } from '@jest/globals';
import { allSettledFirst } from './parallel.js';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(value) : resolve(value)), ms));

describe('allSettledFirst', () => {
  it('gives every value in order', async () => {
    expect(await allSettledFirst([later(5, 'a'), later(1, 2)])).toEqual(['a', 2]);
  });

  it('throws the first failure in the given order, only once every call has ended', async () => {
    // Prepare
    let slowEnded = false;
    const slow = later(30, 'slow').then((value) => {
      slowEnded = true;
      return value;
    });

    // Act
    const outcome = await allSettledFirst([later(1, new Error('first'), true), slow, later(2, new Error('second'), true)]).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(outcome).toEqual(new Error('first'));
    expect(slowEnded).toBe(true);
  });
});
