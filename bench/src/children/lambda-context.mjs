// The Lambda context a handler gets, as the runtime passes it (512 MB, the 10 s timeout
// serverless.yml sets). Plain JavaScript: the bench's child processes load it without a loader,
// and the TypeScript side re-exports it (support/routes.ts).

/**
 * @param {string} functionName
 * @param {string} requestId
 * @param {number} [timeoutMs]
 */
export function lambdaContext(functionName, requestId, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
