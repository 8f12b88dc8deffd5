import { describe, expect, it } from '@jest/globals';
import { clientOptionsFromEnv, createDocumentClient, getClients, getDocumentClient } from './client.js';
import { LOCAL_CREDENTIALS } from './local-endpoint.js';

describe('clientOptionsFromEnv', () => {
  it("reads the endpoint, region, attempts and timeout the function's environment sets", () => {
    expect(
      clientOptionsFromEnv({
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        AWS_REGION: 'eu-west-1',
        DYNAMODB_MAX_ATTEMPTS: '2',
        DYNAMODB_REQUEST_TIMEOUT_MS: '750',
      }),
    ).toEqual({ endpoint: 'http://127.0.0.1:8000', region: 'eu-west-1', maxAttempts: 2, requestTimeoutMs: 750 });
  });

  it('talks to AWS in us-east-1 with 3 attempts of 1 s each when nothing is set', () => {
    expect(clientOptionsFromEnv({ DYNAMODB_ENDPOINT: '' })).toEqual({
      endpoint: undefined,
      region: 'us-east-1',
      maxAttempts: 3,
      requestTimeoutMs: 1_000,
    });
  });
});

describe('createDocumentClient', () => {
  it.each([['http://127.0.0.1:8000'], ['http://localhost:4566'], ['http://[::1]:8000']])(
    'signs requests to the local endpoint %s with fixed local credentials',
    async (endpoint) => {
      const client = createDocumentClient({ endpoint, region: 'us-east-1' });
      try {
        expect(await client.config.credentials()).toMatchObject(LOCAL_CREDENTIALS);
      } finally {
        client.destroy();
      }
    },
  );
});

describe('getClients', () => {
  it('gives one pair of clients per process, the document client over the DynamoDB client', () => {
    // Act
    const clients = getClients();

    // Assess
    expect(getClients()).toBe(clients);
    expect(getDocumentClient()).toBe(clients.documents);
    expect(clients.documents.config).toBe(clients.dynamodb.config);
  });
});
