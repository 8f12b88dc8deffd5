// Every DynamoDB call gives up before the function's own timeout: the arithmetic, from the
// values serverless.yml deploys and the client packages/data builds from them.
import { readFile } from 'node:fs/promises';
import { clientOptionsFromEnv, createDocumentClient } from '@app/data';
import { THROTTLING_RETRY_DELAY_BASE } from '@smithy/core/retry';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { TIMEOUT_MARGIN_MS } from '../src/http/route.js';

interface ServerlessYml {
  provider: { timeout: number; environment: Record<string, string> };
  functions: Record<string, { timeout?: number }>;
}

describe('timeouts and retries', () => {
  it("give up on any DynamoDB call before the handler's early answer, itself before Lambda's timeout", async () => {
    // Prepare: what serverless.yml gives the functions
    const yml = parse(await readFile(new URL('../serverless.yml', import.meta.url), 'utf8')) as ServerlessYml;
    const env = yml.provider.environment;
    const client = createDocumentClient(
      clientOptionsFromEnv({
        DYNAMODB_MAX_ATTEMPTS: env.DYNAMODB_MAX_ATTEMPTS,
        DYNAMODB_REQUEST_TIMEOUT_MS: env.DYNAMODB_REQUEST_TIMEOUT_MS,
      }),
    );

    // Act: the client's effective settings
    const attempts = await client.config.maxAttempts();
    const handler = client.config.requestHandler as unknown as {
      configProvider: Promise<{ connectionTimeout: number; requestTimeout: number }>;
    };
    const { connectionTimeout, requestTimeout } = await handler.configProvider;
    client.destroy();

    // Assess: worst case = every attempt connects and then waits its full socket timeout, with
    // the longest backoff between attempts (throttling: up to base x 2^retry ms, with jitter).
    const backoff = Array.from({ length: attempts - 1 }, (_, retry) => THROTTLING_RETRY_DELAY_BASE * 2 ** retry).reduce((a, b) => a + b, 0);
    const worstCallMs = attempts * (connectionTimeout + requestTimeout) + backoff;
    expect({ attempts, connectionTimeout, requestTimeout, backoff, worstCallMs }).toEqual({
      attempts: 3,
      connectionTimeout: 500,
      requestTimeout: 1_000,
      backoff: 1_500,
      worstCallMs: 6_000,
    });
    for (const [name, fn] of Object.entries(yml.functions)) {
      const timeoutMs = (fn.timeout ?? yml.provider.timeout) * 1000;
      expect(worstCallMs, name).toBeLessThan(timeoutMs - TIMEOUT_MARGIN_MS);
      expect(TIMEOUT_MARGIN_MS, name).toBeLessThan(timeoutMs);
    }
  });
});
