/** @type {import('jest').Config} */
export default {
  preset: '../jest.preset.js',
  // Only this package's own unit tests: .build/ may hold copies of other packages (BENCH_API_DIR).
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  // The measurements themselves run in `npm run bench`, not in `npm test`: the unit tests cover
  // the statistics, the report and the environment checks, which is what this floor guards.
  coverageThreshold: { global: { lines: 18 } },
};
