// The Lambda `Context` a handler gets, as the runtime passes it: one builder for the tests,
// the local stream runner (packages/local-streams) and the bench's child processes
// (`@app/testing/lambda-context`, built to dist/ so that plain Node loads it).
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  functionName?: string;
  /** Lambda's id of the invocation; a fresh UUID by default. */
  awsRequestId?: string;
  /** The function's timeout: getRemainingTimeInMillis counts down from it (10 s, as the API's functions). */
  timeoutMs?: number;
  memoryLimitInMB?: number;
  region?: string;
}

export function lambdaContext(options: LambdaContextOptions = {}): Context {
  const {
    functionName = 'test-function',
    awsRequestId = randomUUID(),
    timeoutMs = 10_000,
    memoryLimitInMB = 512,
    region = 'us-east-1',
  } = options;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryLimitInMB),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
