import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { integerFromEnv, type Environment } from './env.js';
import { isLocalEndpoint, LOCAL_CREDENTIALS } from './local-endpoint.js';

export interface ClientOptions {
  /** Any DynamoDB endpoint (embedded, DynamoDB Local, LocalStack); AWS when unset. */
  endpoint?: string;
  region?: string;
  /** Total attempts per call, first one included. */
  maxAttempts?: number;
  /** Per-attempt socket timeout, ms. Keep attempts x timeout under the function timeout. */
  requestTimeoutMs?: number;
}

/** Client settings from the environment, as Lambda and the local stack both set it. */
export function clientOptionsFromEnv(env: Environment = process.env): ClientOptions {
  return {
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION || 'us-east-1',
    maxAttempts: integerFromEnv('DYNAMODB_MAX_ATTEMPTS', { fallback: 3, min: 1, max: 10 }, env),
    requestTimeoutMs: integerFromEnv('DYNAMODB_REQUEST_TIMEOUT_MS', { fallback: 1_000, min: 1, max: 60_000 }, env),
  };
}

/** A DynamoDB client, and the document client over it (which shares its connections, timeouts and retries). */
export interface DynamoDBClients {
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
}

export function createClients(options: ClientOptions = clientOptionsFromEnv()): DynamoDBClients {
  const dynamodb = new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region,
    maxAttempts: options.maxAttempts,
    requestHandler: { requestTimeout: options.requestTimeoutMs, connectionTimeout: 500 },
    ...(isLocalEndpoint(options.endpoint) && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { ...LOCAL_CREDENTIALS } } : {}),
  });
  const documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamodb, documents };
}

export function createDocumentClient(options: ClientOptions = clientOptionsFromEnv()): DynamoDBDocumentClient {
  return createClients(options).documents;
}

let shared: DynamoDBClients | undefined;

/** One pair of clients per process: Lambda reuses them (and their keep-alive sockets) across invocations. */
export function getClients(): DynamoDBClients {
  shared ??= createClients();
  return shared;
}

/** The process's document client (see getClients). */
export function getDocumentClient(): DynamoDBDocumentClient {
  return getClients().documents;
}
