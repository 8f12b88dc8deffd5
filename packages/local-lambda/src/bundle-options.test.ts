import { describe, expect, it } from '@jest/globals';
import { esbuildOptionsFrom } from './bundle-options.js';

describe('esbuildOptionsFrom (what serverless-esbuild passes to esbuild)', () => {
  it("keeps esbuild's options, drops the plugin's own and maps exclude and outputFileExtension", () => {
    const options = esbuildOptionsFrom({
      bundle: true,
      minify: true,
      format: 'esm',
      outputFileExtension: '.mjs',
      conditions: ['source', 'module'],
      exclude: ['@aws-sdk/credential-provider-ini'],
      packager: 'npm',
      plugins: './esbuild-plugins.mjs',
    });
    expect(options).toEqual({
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'node18',
      platform: 'node',
      conditions: ['source', 'module'],
      external: ['@aws-sdk/credential-provider-ini'],
      outExtension: { '.js': '.mjs' },
      plugins: [],
    });
  });

  it("excludes aws-sdk (v2) by default, as the plugin does, and nothing with exclude '*'", () => {
    expect(esbuildOptionsFrom({}).external).toEqual(['aws-sdk']);
    expect(esbuildOptionsFrom({ exclude: ['*'], external: ['left-pad'] }).external).toEqual(['left-pad']);
    expect(esbuildOptionsFrom({}).outExtension).toBeUndefined();
  });
});
