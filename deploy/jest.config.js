/** @type {import('jest').Config} */
export default {
  preset: '../jest.preset.js',
  // Suites that run sls package or turbo get their own timeouts (test/support.ts).
  coverageThreshold: { global: { lines: 90 } },
};
