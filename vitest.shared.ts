// Shared vitest settings: every package resolves workspace packages to their TypeScript
// source (the `source` export condition), so tests never need a prior build of a dependency.
import { defineConfig } from 'vitest/config';

export const sharedConfig = defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    allowOnly: false,
  },
});
