import { describe, expect, it } from '@jest/globals';
import { bounded, formatTable, kb, median, quantile, ratio, round, roundSummary, summarize } from './stats.ts';

describe('quantile', () => {
  it('interpolates between closest ranks', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0)).toBe(1);
    expect(quantile([4, 1, 3, 2], 1)).toBe(4);
    expect(quantile([10, 20], 0.25)).toBe(12.5);
  });

  it('takes the middle value of an odd count as the median, without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
  });

  it('is NaN for no values and rejects quantiles outside 0..1', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
  });

  it('gives p99 near the top of 100 values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.99)).toBeCloseTo(99.01, 5);
  });
});

describe('summarize', () => {
  it('reports count, extremes, percentiles and mean', () => {
    const s = summarize([3, 1, 2]);
    expect(s).toMatchObject({ n: 3, min: 1, p50: 2, max: 3, mean: 2 });
  });

  it('rounds every figure but the count', () => {
    expect(roundSummary(summarize([1.234, 2.345]), 1)).toMatchObject({ n: 2, min: 1.2, max: 2.3 });
  });
});

describe('ratio and round', () => {
  it('divides, rounded to 3 decimals', () => {
    expect(ratio(1, 3)).toBe(0.333);
    expect(ratio(2, 0)).toBeNull();
    expect(ratio(Number.NaN, 1)).toBeNull();
  });

  it('rounds half away from zero at the given decimals', () => {
    expect(round(1.25, 1)).toBe(1.3);
    expect(round(1234.5678, 2)).toBe(1234.57);
    expect(round(Number.NaN)).toBeNaN();
  });

  it('prints sizes in KB of 1000 bytes', () => {
    expect(kb(399_999)).toBe('400.0 KB');
    expect(kb(1_500)).toBe('1.5 KB');
  });
});

describe('formatTable', () => {
  it('aligns columns: the first left, the rest right, with a rule under the header', () => {
    const text = formatTable([
      ['route', 'p50'],
      ['getProject', 12.5],
      ['x', null],
    ]);
    expect(text.split('\n')).toEqual(['route        p50', '----------  ----', 'getProject  12.5', 'x              –']);
  });
});

describe('bounded', () => {
  it('stops at the count', async () => {
    expect(await bounded(3, 10_000, async (i) => i)).toEqual([0, 1, 2]);
  });

  it('stops at the time budget', async () => {
    const runs = await bounded(1_000, 30, () => new Promise((resolve) => setTimeout(resolve, 10)));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.length).toBeLessThan(10);
  });
});
