import preset from '../../jest.preset.js';

/** @type {import('jest').Config} */
export default {
  preset: '../../jest.preset.js',
  // src/types.ts holds types only (no code to run): the compiler checks it, through test/types.test.ts.
  collectCoverageFrom: [...preset.collectCoverageFrom, '!src/types.ts'],
  // What the suite reaches (99.7% of lines), rounded down: a change that leaves code untested fails.
  coverageThreshold: { global: { lines: 99 } },
};
