import type { Context } from 'aws-lambda';

/** A Lambda context as the runtime passes it (512 MB, 10 s timeout as serverless.yml sets). */
export declare function lambdaContext(functionName: string, requestId: string, timeoutMs?: number): Context;
