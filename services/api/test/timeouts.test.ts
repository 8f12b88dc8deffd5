// Every DynamoDB call gives up before the function's own timeout: the arithmetic, from the
// values serverless.yml deploys and the client packages/data builds from them.
import { readFile } from 'node:fs/promises';
import { clientOptionsFromEnv, createDocumentClient } from '@app/data';
import { THROTTLING_RETRY_DELAY_BASE } from '@smithy/core/retry';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { TIMEOUT_MARGIN_MS } from '../src/http/route.js';

interface ServerlessYml {
  provider: { timeout: number; environment: Record<string, string> };
  functions: Record<string, { timeout?: number }>;
}

// What serverless.yml gives the functions.
const yml = parse(await readFile(new URL('../serverless.yml', import.meta.url), 'utf8')) as ServerlessYml;

/** The worst case of one DynamoDB call with the client packages/data builds from serverless.yml's settings. */
async function worstCall() {
  const env = yml.provider.environment;
  const client = createDocumentClient(
    clientOptionsFromEnv({
      DYNAMODB_MAX_ATTEMPTS: env.DYNAMODB_MAX_ATTEMPTS,
      DYNAMODB_REQUEST_TIMEOUT_MS: env.DYNAMODB_REQUEST_TIMEOUT_MS,
    }),
  );
  try {
    const attempts = await client.config.maxAttempts();
    const handler = client.config.requestHandler as unknown as {
      configProvider: Promise<{ connectionTimeout: number; requestTimeout: number }>;
    };
    const { connectionTimeout, requestTimeout } = await handler.configProvider;
    // Every attempt connects and then waits its full socket timeout, with the longest backoff
    // between attempts (throttling: up to base x 2^retry ms, with jitter).
    const backoff = Array.from({ length: attempts - 1 }, (_, retry) => THROTTLING_RETRY_DELAY_BASE * 2 ** retry).reduce((a, b) => a + b, 0);
    return { attempts, connectionTimeout, requestTimeout, backoff, worstCallMs: attempts * (connectionTimeout + requestTimeout) + backoff };
  } finally {
    client.destroy();
  }
}

describe('timeouts and retries', () => {
  let worst: Awaited<ReturnType<typeof worstCall>>;
  beforeAll(async () => {
    worst = await worstCall();
  });

  it('a DynamoDB call makes at most 3 attempts of 0.5 s to connect and 1 s to answer, with their backoff: 6 s', () => {
    expect(worst).toEqual({ attempts: 3, connectionTimeout: 500, requestTimeout: 1_000, backoff: 1_500, worstCallMs: 6_000 });
  });

  describe.each(Object.entries(yml.functions))('function %s', (_name, fn) => {
    const timeoutMs = (fn.timeout ?? yml.provider.timeout) * 1000;

    it("gives up on any DynamoDB call before the handler's early answer", () => {
      expect(worst.worstCallMs).toBeLessThan(timeoutMs - TIMEOUT_MARGIN_MS);
    });

    it("answers early, before Lambda's timeout", () => {
      expect(TIMEOUT_MARGIN_MS).toBeLessThan(timeoutMs);
    });
  });
});
