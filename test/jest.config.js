// End-to-end suites: each file boots a whole stack (processes, ports), so files run one at a
// time (on 2 cores, in jest's own process), with time to boot.
/** @type {import('jest').Config} */
export default {
  preset: '../jest.preset.js',
  // The suites sit at the top of this package (and their helpers in support/), not in src/ or test/.
  testMatch: ['<rootDir>/*.test.ts'],
  maxWorkers: 1,
  // jest has no separate hook timeout: hooks that boot a stack or package a service pass
  // HOOK_TIMEOUT_MS (support/stack.ts, 240 s) themselves.
  testTimeout: 120_000,
  // Every response a suite receives over fetch is checked against the OpenAPI document. It is
  // a setupFilesAfterEnv, not a setupFiles: support/ imports @jest/globals, which must not be
  // loaded before the test framework is in place. jest appends this list to the preset's (the
  // toContainLogLine matcher), and keeps the preset's setupFiles (jest.environment.js).
  setupFilesAfterEnv: ['<rootDir>/support/contract-setup.ts'],
  // No coverage here: this package has no source of its own, and the code it exercises runs in
  // the processes the stack spawns, out of jest's sight. The packages' own suites measure it
  // against their floors.
  collectCoverage: false,
};
