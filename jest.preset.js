// The jest settings every package extends (`preset: '../../jest.preset.js'` in its
// jest.config.js). TypeScript ESM through @swc/jest (types are stripped, not checked: that is
// `npm run typecheck`'s job), run as native ES modules (`node --experimental-vm-modules`).
// Workspace packages resolve to their TypeScript source (the `source` export condition), so a
// test never needs a prior build of a dependency.

const here = (file) => new URL(file, import.meta.url).pathname;

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts', '.mts'],
  transform: {
    '^.+\\.m?ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023', keepClassNames: true, experimental: { keepImportAttributes: true } },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  // Sources import each other as './x.js' (NodeNext): map those to the .ts file beside them.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/{src,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30_000,
  // One worker per core: jest's default (cores - 1) runs every file of a package in one worker
  // on a 2-core machine. turbo runs one package's tests at a time (npm test's --concurrency=1).
  maxWorkers: '100%',
  // Every package measures its coverage in `npm test` and fails below its floor
  // (coverageThreshold in its own jest.config.js).
  collectCoverage: true,
  coverageProvider: 'v8',
  collectCoverageFrom: ['src/**/*.{ts,mts}', '!src/**/*.test.ts', '!src/**/*.d.ts', '!src/generated/**'],
  coverageReporters: ['text-summary', 'json-summary'],
  // Handlers log JSON lines through Powertools; keep test output readable (set
  // POWERTOOLS_LOG_LEVEL=DEBUG to see them).
  setupFiles: [here('./jest.environment.js')],
  // Shared matchers (toContainLogLine), from the test-support package.
  setupFilesAfterEnv: [here('./packages/testing/src/matchers.ts')],
};
