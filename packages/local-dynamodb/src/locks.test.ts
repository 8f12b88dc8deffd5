import { describe, expect, it } from '@jest/globals';
import { ItemLocks } from './locks.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('ItemLocks', () => {
  it('serves the holders of one key first come, first served', async () => {
    // Prepare
    const locks = new ItemLocks();
    const order: string[] = [];
    const first = await locks.acquire(['a']);

    // Act
    const waiting = ['second', 'third'].map(async (name) => {
      const release = await locks.acquire(['a']);
      order.push(name);
      release();
    });
    await tick();
    order.push('first');
    first();
    await Promise.all(waiting);

    // Assess
    expect(order).toEqual(['first', 'second', 'third']);
    expect(locks.size).toBe(0);
  });

  it('lets two holders of overlapping key sets, asked in opposite orders, both finish', async () => {
    // Prepare
    const locks = new ItemLocks();
    const held = await locks.acquire(['x']);

    // Act
    const one = locks.acquire(['x', 'y']).then((release) => release());
    const two = locks.acquire(['y', 'x']).then((release) => release());
    await tick();
    held();

    // Assess
    await expect(Promise.all([one, two])).resolves.toEqual([undefined, undefined]);
    expect(locks.size).toBe(0);
  });

  it('does not block other keys', async () => {
    // Prepare
    const locks = new ItemLocks();
    await locks.acquire(['busy']);

    // Act
    const other = await Promise.race([locks.acquire(['free']).then(() => 'acquired'), tick().then(() => 'blocked')]);

    // Assess
    expect(other).toBe('acquired');
  });
});
