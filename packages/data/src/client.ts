import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ClientOptions {
  return {
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION || 'us-east-1',
    maxAttempts: env.DYNAMODB_MAX_ATTEMPTS ? Number(env.DYNAMODB_MAX_ATTEMPTS) : 3,
    requestTimeoutMs: env.DYNAMODB_REQUEST_TIMEOUT_MS ? Number(env.DYNAMODB_REQUEST_TIMEOUT_MS) : 1_000,
  };
}

export function createDocumentClient(options: ClientOptions = clientOptionsFromEnv()): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined && /^https?:\/\/(127\.|localhost|\[::1\])/.test(options.endpoint);
  const client = new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region,
    maxAttempts: options.maxAttempts,
    requestHandler: { requestTimeout: options.requestTimeoutMs, connectionTimeout: 500 },
    // A local endpoint accepts any signature; real credentials are never needed for it.
    ...(local && !process.env.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let shared: DynamoDBDocumentClient | undefined;

/** One client per process: Lambda reuses it (and its keep-alive sockets) across invocations. */
export function getDocumentClient(): DynamoDBDocumentClient {
  shared ??= createDocumentClient();
  return shared;
}
