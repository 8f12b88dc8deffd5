/** @type {import('jest').Config} */
export default {
  preset: '../../jest.preset.js',
  coverageThreshold: { global: { lines: 88 } },
};
