import { describe, expect, it } from '@jest/globals';
import { lambdaVariables, traceHeader } from './lambda-variables.js';
import type { WorkerFunction } from './protocol.js';

const fn = (environment: Record<string, string>) =>
  ({
    name: 'f',
    deployedName: 'demo-local-f',
    file: '/build/f/index.mjs',
    exportName: 'handler',
    environment,
    memoryMb: 512,
    timeoutMs: 1_000,
  }) satisfies WorkerFunction;

describe('lambdaVariables', () => {
  it('names the function as Lambda does, and leaves the X-Ray SDK out of Lambda mode when tracing is off', () => {
    expect(lambdaVariables(fn({}))).toEqual({
      AWS_LAMBDA_FUNCTION_NAME: 'demo-local-f',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      _HANDLER: 'handler',
    });
  });

  it('puts the X-Ray SDK in Lambda mode for a function whose configuration turns the tracer on', () => {
    expect(lambdaVariables(fn({ POWERTOOLS_TRACE_ENABLED: 'true' }))).toMatchObject({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: '/build/f',
    });
  });
});

describe('traceHeader', () => {
  it('is an X-Ray trace header of a sampled trace, a new one each time', () => {
    const [first, second] = [traceHeader(), traceHeader()];

    expect(first).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/);
    expect(second).not.toBe(first);
  });
});
