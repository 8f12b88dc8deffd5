// Matchers every suite has (the jest preset loads this file): `toContainLogLine`.
import { expect } from '@jest/globals';
import { iterableEquality, subsetEquality } from '@jest/expect-utils';
import type { LogCapture } from './logs.js';

type Entries = LogCapture | readonly Record<string, unknown>[];

const entriesOf = (received: Entries): readonly Record<string, unknown>[] =>
  Array.isArray(received) ? received : (received as LogCapture).entries;

expect.extend({
  /**
   * Some JSON log line matches `expected` as toMatchObject would (a subset, asymmetric
   * matchers allowed): `expect(logs).toContainLogLine({ level: 'ERROR', message: 'request failed' })`.
   */
  toContainLogLine(received: Entries, expected: Record<string, unknown>) {
    const entries = entriesOf(received);
    const pass = entries.some((entry) => this.equals(entry, expected, [iterableEquality, subsetEquality]));
    const shown = entries.map((entry) => `  ${JSON.stringify(entry)}`).join('\n') || '  (no JSON lines)';
    return {
      pass,
      message: () => `expected ${pass ? 'no' : 'a'} JSON log line matching\n  ${this.utils.printExpected(expected)}\namong\n${shown}`,
    };
  },
});

declare module 'expect' {
  interface Matchers<R> {
    toContainLogLine(expected: Record<string, unknown>): R;
  }
}
