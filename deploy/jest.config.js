/** @type {import('jest').Config} */
export default {
  preset: '../jest.preset.js',
  // One file at a time: cli.test.ts and templates.test.ts both run `sls package` in the
  // services' folders, where serverless-esbuild bundles into one .esbuild/ per service.
  maxWorkers: 1,
  coverageThreshold: { global: { lines: 95 } },
};
