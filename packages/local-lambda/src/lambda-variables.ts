// The variables Lambda sets in a function's environment, beside the function's own: the
// worker (worker.ts) puts them in place at init and before each invocation.
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import type { WorkerFunction } from './protocol.js';

export function lambdaVariables(fn: WorkerFunction): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: fn.deployedName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    _HANDLER: fn.exportName,
    // A function whose configuration turns the Powertools tracer on (TRACING=1 locally) runs as
    // a traced Lambda function does: the X-Ray SDK in Lambda mode (it reads these at import),
    // its subsegments sent to AWS_XRAY_DAEMON_ADDRESS (127.0.0.1:2000 unless set: a local
    // X-Ray daemon, if one runs, receives them).
    ...(fn.environment.POWERTOOLS_TRACE_ENABLED === 'true'
      ? { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', LAMBDA_TASK_ROOT: dirname(fn.file) }
      : {}),
  };
}

/**
 * A trace header as Lambda sets one for each invocation (_X_AMZN_TRACE_ID): Powertools Logger
 * puts its root in every line (xray_trace_id), traced or not. Invocations interleaved in this
 * thread share process.env, so a line written after another invocation started may carry that
 * one's id; on Lambda an environment runs one invocation at a time.
 */
export function traceHeader(): string {
  const time = Math.floor(Date.now() / 1_000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${time}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
}
