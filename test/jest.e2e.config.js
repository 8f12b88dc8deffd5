// npm run test:e2e. With E2E_BASE_URL and E2E_TOKEN (a deployed stage and an ID token of one
// of its users), it runs the suites that need nothing but HTTP against that stage; without
// them, every suite against the local stack, as npm test does.
import base from './jest.config.js';

/** The suites that need nothing but a base URL and a token. */
export const HTTP_ONLY_SUITES = ['api.e2e.test.ts', 'hardening.e2e.test.ts'];

const remote = Boolean(process.env.E2E_BASE_URL || process.env.E2E_TOKEN);

/** @type {import('jest').Config} */
export default remote
  ? { ...base, testMatch: HTTP_ONLY_SUITES.map((file) => `<rootDir>/${file}`), globalSetup: '<rootDir>/support/remote-setup.js' }
  : base;
