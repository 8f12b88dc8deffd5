// The consumer's settings are read from its environment and checked, so that a typo fails at
// once, naming the variable, instead of deleting NaN items per cleanup step.
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@app/data';
import { settingsFromEnv } from '../src/changes/apply.js';

describe('settingsFromEnv', () => {
  it('reads the table, the activity retention in days and the cleanup step size', () => {
    expect(settingsFromEnv({ TABLE_NAME: 'table', ACTIVITY_TTL_DAYS: '30', CLEANUP_BATCH_SIZE: '25' })).toEqual({
      tableName: 'table',
      activityTtlSeconds: 30 * 86_400,
      cleanupBatchSize: 25,
    });
  });

  it('keeps 90 days and steps of 100 when they are not set', () => {
    expect(settingsFromEnv({ TABLE_NAME: 'table' })).toMatchObject({ activityTtlSeconds: 90 * 86_400, cleanupBatchSize: 100 });
  });

  it.each([
    ['ACTIVITY_TTL_DAYS', 'ninety'],
    ['CLEANUP_BATCH_SIZE', '0'],
    ['CLEANUP_BATCH_SIZE', '1e2'],
  ])('fails on %s=%s, naming it', (name, value) => {
    expect(() => settingsFromEnv({ TABLE_NAME: 'table', [name]: value })).toThrow(new RegExp(`^${name} must be a whole number`));
  });

  it('fails without a table', () => {
    expect(() => settingsFromEnv({})).toThrow(ConfigurationError);
  });
});
