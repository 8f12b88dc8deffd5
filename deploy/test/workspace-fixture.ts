// A workspace shaped like this repository's (test/cli.test.ts checks the real one): the
// data stack's package at services/data-stack with the root serverless.yml as an input, two
// services that depend on it and on the shared libraries, and packages that only tests use.
import type { WorkspacePackage } from '../src/graph.js';

const SERVICE_INPUTS = ['../esbuild.yml', '../esbuild-plugins.mjs', '../../package-lock.json'];

export const REPO_LIKE: WorkspacePackage[] = [
  { name: '@app/schema', dir: 'packages/schema', dependencies: [], devDependencies: [] },
  { name: '@app/data', dir: 'packages/data', dependencies: ['@app/schema'], devDependencies: ['@app/local-dynamodb', '@app/testing'] },
  { name: '@app/testing', dir: 'packages/testing', dependencies: ['@app/schema'], devDependencies: [] },
  { name: '@app/local-dynamodb', dir: 'packages/local-dynamodb', dependencies: [], devDependencies: ['@app/testing'] },
  {
    name: '@app/data-stack',
    dir: 'services/data-stack',
    dependencies: [],
    devDependencies: [],
    stack: { name: 'data', serviceDir: '../..', inputs: ['../../serverless.yml', '../../package-lock.json'] },
  },
  {
    name: '@app/api',
    dir: 'services/api',
    dependencies: ['@app/data-stack', '@app/data', '@app/schema'],
    devDependencies: ['@app/local-dynamodb', '@app/testing'],
    stack: { name: 'api', inputs: SERVICE_INPUTS, url: 'HttpApiUrl', smoke: [{ path: '/openapi.json', status: 200 }] },
  },
  {
    name: '@app/stream-consumer',
    dir: 'services/stream-consumer',
    dependencies: ['@app/data-stack', '@app/data', '@app/schema'],
    devDependencies: ['@app/local-dynamodb', '@app/testing'],
    stack: { name: 'stream-consumer', inputs: SERVICE_INPUTS },
  },
  { name: '@app/e2e', dir: 'test', dependencies: [], devDependencies: ['@app/api', '@app/testing'] },
];
