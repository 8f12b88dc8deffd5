import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

// End-to-end suites boot whole stacks (processes, ports): one file at a time on 2 cores.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    // Every response a suite receives over fetch is checked against the OpenAPI document.
    test: { fileParallelism: false, testTimeout: 120_000, hookTimeout: 240_000, setupFiles: ['./support/contract-setup.ts'] },
  }),
);
