// The scale section's arithmetic: the rates it steps through, where a ramp's throttling starts,
// the ratio of two designs' onsets, and which errors are DynamoDB throttling a request.
import { describe, expect, it } from '@jest/globals';
import { isThrottling, onsetOf, onsetRatio, rampRates, type ScaleRamp } from './scale.ts';

const step = (rate: number, apiThrottled = 0, consumerThrottled = 0) => ({ rate, apiThrottled, consumerThrottled });
const ramp = (onsetRate: number | null, lastCleanRate: number | null) => ({ onsetRate, lastCleanRate }) as ScaleRamp;

describe('rampRates', () => {
  it('goes up by √2 a step, both ends included', () => {
    expect(rampRates(50, 400)).toEqual([50, 71, 100, 141, 200, 283, 400]);
  });
});

describe('onsetOf', () => {
  it.each([
    ['the first throttled step, and the clean one before it', [step(100), step(141), step(200, 0, 3), step(283, 9)], 200, 141],
    ['a throttled API request as much as a throttled consumer', [step(100), step(141, 1)], 141, 100],
    ['no onset when no step was throttled', [step(100), step(141)], null, 141],
    ['no clean rate when the first step was throttled', [step(100, 2)], 100, null],
  ])('finds %s', (_case, steps, onsetRate, lastCleanRate) => {
    expect(onsetOf(steps)).toEqual({ onsetRate, lastCleanRate });
  });
});

describe('onsetRatio', () => {
  it.each([
    ['of two onsets', ramp(400, 283), ramp(4_525, 3_200), { value: 11.3, atLeast: false }],
    ['as a lower bound when the second design was never throttled', ramp(400, 283), ramp(null, 9_051), { value: 22.6, atLeast: true }],
    ['as unknown when the first design was never throttled', ramp(null, 9_051), ramp(null, 9_051), { value: null, atLeast: false }],
  ])('is the ratio %s', (_case, before, after, expected) => {
    expect(onsetRatio(before, after)).toEqual(expected);
  });
});

describe('isThrottling', () => {
  it.each([
    ['an on-demand table', { name: 'ThrottlingException' }, true],
    ['a provisioned table', { name: 'ProvisionedThroughputExceededException' }, true],
    [
      'a transaction cancelled for throttling',
      { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] },
      true,
    ],
    [
      'a transaction cancelled for a condition',
      { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] },
      false,
    ],
    ['a failed condition', { name: 'ConditionalCheckFailedException' }, false],
    ['no error at all', undefined, false],
  ])('tells throttling on %s', (_case, error, expected) => {
    expect(isThrottling(error)).toBe(expected);
  });
});
