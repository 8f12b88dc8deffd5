import { describe, expect, it } from '@jest/globals';
import { booleanFromEnv, integerFromEnv, requiredFromEnv } from './env.js';
import { ConfigurationError } from './errors.js';

const BOUNDS = { fallback: 100, min: 1, max: 1_000 };

describe('integerFromEnv', () => {
  it.each([
    ['unset', {}, 100],
    ['empty', { BATCH: '' }, 100],
    ['a whole number', { BATCH: '25' }, 25],
    ['a whole number with spaces around it', { BATCH: ' 25 ' }, 25],
    ['the upper bound', { BATCH: '1000' }, 1_000],
  ])('reads %s', (_label, env, expected) => {
    expect(integerFromEnv('BATCH', BOUNDS, env)).toBe(expected);
  });

  it.each([
    ['a typo', '1OO'],
    ['a fraction', '2.5'],
    ['an exponent', '1e3'],
    ['a number below the range', '0'],
    ['a number above the range', '1001'],
    ['a sign alone', '-'],
  ])('throws on %s, naming the variable and the value', (_label, value) => {
    expect(() => integerFromEnv('BATCH', BOUNDS, { BATCH: value })).toThrow(
      new ConfigurationError(`BATCH must be a whole number from 1 to 1000, not ${JSON.stringify(value)}`),
    );
  });
});

describe('requiredFromEnv', () => {
  it('reads a set variable', () => {
    expect(requiredFromEnv('TABLE_NAME', { TABLE_NAME: 'rest-api-data-dev' })).toBe('rest-api-data-dev');
  });

  it.each([
    ['unset', {}],
    ['empty', { TABLE_NAME: '' }],
  ])('throws when %s', (_label, env) => {
    expect(() => requiredFromEnv('TABLE_NAME', env)).toThrow(new ConfigurationError('TABLE_NAME is not set'));
  });
});

describe('booleanFromEnv', () => {
  it.each([
    ['unset, with the fallback false', {}, false, false],
    ['empty, with the fallback true', { TRACE: '' }, true, true],
    ['true', { TRACE: 'true' }, false, true],
    ['TRUE with spaces around it', { TRACE: ' TRUE ' }, false, true],
    ['1', { TRACE: '1' }, false, true],
    ['false', { TRACE: 'false' }, true, false],
    ['0', { TRACE: '0' }, true, false],
    ['off', { TRACE: 'off' }, true, false],
  ])('reads %s', (_label, env, fallback, expected) => {
    expect(booleanFromEnv('TRACE', { fallback }, env)).toBe(expected);
  });

  it.each(['ture', '2', 'enabled'])('throws on %j, naming the variable and the value', (value) => {
    expect(() => booleanFromEnv('TRACE', { fallback: false }, { TRACE: value })).toThrow(
      new ConfigurationError(`TRACE must be true or false, not ${JSON.stringify(value)}`),
    );
  });
});
