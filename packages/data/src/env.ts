// Settings read from the environment, checked as they are read (at init), so that a typo fails
// the cold start with a message naming the variable instead of becoming NaN (a query Limit of
// NaN, a TTL in 1970) on the first request that uses it. Powertools' envUtils works the same
// way, but its getNumberFromEnv reads process.env only (the local runner and the tests hand
// over an environment as a value), takes an empty variable as 0 and accepts fractions and
// numbers of any size where a count is meant.
import { ConfigurationError } from './errors.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting that must be there: unset or empty throws. */
export function requiredFromEnv(name: string, env: Environment = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigurationError(`${name} is not set`);
  return value;
}

/**
 * A whole-number setting within [min, max]: unset or empty takes `fallback`; anything else
 * that is not a whole number in range throws.
 */
export function integerFromEnv(
  name: string,
  options: { fallback: number; min: number; max: number },
  env: Environment = process.env,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return options.fallback;
  const value = /^-?\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= options.min && value <= options.max)) {
    throw new ConfigurationError(`${name} must be a whole number from ${options.min} to ${options.max}, not ${JSON.stringify(raw)}`);
  }
  return value;
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

/** A switch: unset or empty takes `fallback`; true/1/yes/on or false/0/no/off (any case); anything else throws. */
export function booleanFromEnv(name: string, options: { fallback: boolean }, env: Environment = process.env): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return options.fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigurationError(`${name} must be true or false, not ${JSON.stringify(env[name])}`);
}
