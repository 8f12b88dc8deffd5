import { describe, expect, it } from '@jest/globals';
import { installedVersion } from './environment.ts';
import { BENCH_DIR } from './processes.ts';

describe('installedVersion', () => {
  it('finds a package in a node_modules above, and null for one that is not installed', () => {
    expect(installedVersion('jest', BENCH_DIR)).toMatch(/^\d+\.\d+\.\d+/);
    expect(installedVersion('no-such-package-anywhere', BENCH_DIR)).toBeNull();
  });
});
