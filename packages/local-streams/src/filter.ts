// Lambda event filtering (the FilterCriteria of an event-source mapping), applied to stream
// records as Lambda applies them: a record is delivered when it matches any pattern; records
// that match none are dropped and the checkpoint moves past them. Written here because no
// npm library implements Lambda's filter rule syntax (it is close to, not the same as,
// EventBridge's).

export type FilterPattern = { [key: string]: FilterPattern | readonly unknown[] };

type Matcher = unknown;

function matchesRule(rule: Matcher, value: unknown): boolean {
  if (rule === null || typeof rule !== 'object') return value === rule;
  const [operator, operand] = Object.entries(rule as Record<string, unknown>)[0] ?? [];
  switch (operator) {
    case 'exists':
      return operand === (value !== undefined);
    case 'prefix':
      return typeof value === 'string' && typeof operand === 'string' && value.startsWith(operand);
    case 'suffix':
      return typeof value === 'string' && typeof operand === 'string' && value.endsWith(operand);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'anything-but': {
      if (value === undefined) return false;
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.some((item) => (item !== null && typeof item === 'object' ? matchesRule(item, value) : item === value));
    }
    case 'numeric': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isNaN(number)) return false;
      const terms = operand as unknown[];
      for (let i = 0; i < terms.length; i += 2) {
        const bound = terms[i + 1] as number;
        const ok = { '=': number === bound, '<': number < bound, '<=': number <= bound, '>': number > bound, '>=': number >= bound }[
          terms[i] as string
        ];
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function matchesField(rules: readonly unknown[], value: unknown): boolean {
  // An array in the record matches when any of its elements does.
  const values = Array.isArray(value) ? value : [value];
  return rules.some((rule) => values.some((v) => matchesRule(rule, v)) || (value === undefined && matchesRule(rule, undefined)));
}

export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  const object = (event ?? {}) as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const value = typeof object === 'object' ? object[key] : undefined;
    if (Array.isArray(rule)) return matchesField(rule, value);
    if (value === null || typeof value !== 'object') return false;
    return matchesPattern(rule as FilterPattern, value);
  });
}

/** No patterns: everything passes; otherwise any one pattern must match. */
export function passesFilters(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
}
