import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.ts';

// Only this package's own unit tests: .build/ may hold copies of other packages (BENCH_API_DIR).
export default mergeConfig(sharedConfig, { test: { include: ['src/**/*.test.ts'] } });
