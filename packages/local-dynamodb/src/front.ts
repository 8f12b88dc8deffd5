// The HTTP front on the public port. It routes on `X-Amz-Target`:
//   - the operations this package adds or extends (writes, transactions, TTL, table
//     operations with streams, and the whole DynamoDB Streams API) are handled here, in
//     process, with dynalite's request envelope rules (JSON 1.0, SigV4 header present,
//     x-amz-crc32, x-amzn-RequestId);
//   - everything else (GetItem, Query, Scan, BatchGetItem, ListTables, tags, health
//     checks, CORS preflights, unknown operations) goes, untouched and unread, to
//     dynalite's own request handler, so its behaviour and errors are exactly dynalite's;
//     with the throughput limits on, the four reads are charged here first
//     (throughput/reads.ts).
// One HTTP hop per request either way: dynalite's handler is called directly, not proxied.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import type { Engine } from './engine.js';
import { internalServerError, isApiError, missingAuthenticationToken, serializationError } from './errors.js';
import type { Handler } from './items.js';
import { RawJson, batchWriteItem, deleteItem, putItem, updateItem } from './items.js';
import { describeStream, getRecords, getShardIterator, listStreams } from './streams/api.js';
import { createTable, deleteTable, describeTable, updateTable } from './tables.js';
import { throttledReads } from './throughput/reads.js';
import { transactGetItems, transactWriteItems } from './transactions.js';
import { describeTimeToLive, updateTimeToLive } from './ttl.js';

const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/** Operations dynalite also knows (under both of its API versions). */
const extended: Record<string, Handler> = {
  PutItem: putItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  BatchWriteItem: batchWriteItem,
  CreateTable: createTable,
  UpdateTable: updateTable,
  DescribeTable: describeTable,
  DeleteTable: deleteTable,
  DescribeTimeToLive: describeTimeToLive,
};

const routes = new Map<string, Handler>([
  ...Object.entries(extended).flatMap(([operation, handler]): [string, Handler][] => [
    [`DynamoDB_20120810.${operation}`, handler],
    [`DynamoDB_20111205.${operation}`, handler],
  ]),
  ['DynamoDB_20120810.TransactWriteItems', transactWriteItems],
  ['DynamoDB_20120810.TransactGetItems', transactGetItems],
  ['DynamoDB_20120810.UpdateTimeToLive', updateTimeToLive],
  ['DynamoDBStreams_20120810.ListStreams', listStreams],
  ['DynamoDBStreams_20120810.DescribeStream', describeStream],
  ['DynamoDBStreams_20120810.GetShardIterator', getShardIterator],
  ['DynamoDBStreams_20120810.GetRecords', getRecords],
]);

/**
 * With the throughput limits on, the reads that consume capacity are charged
 * (throughput/reads.ts); without them they stay dynalite's, untouched, at no cost.
 */
const routesWithLimits = new Map<string, Handler>([
  ...routes,
  ...Object.entries(throttledReads).map(([operation, handler]): [string, Handler] => [`DynamoDB_20120810.${operation}`, handler]),
]);

const JSON_TYPES = new Set(['application/json', 'application/x-amz-json-1.0']);

function contentType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim();
}

function send(res: ServerResponse, type: string, statusCode: number, data: unknown): void {
  const body = data instanceof RawJson ? data.text : JSON.stringify(data);
  res.statusCode = statusCode;
  // The AWS CLI (botocore) checks this header on DynamoDB responses.
  res.setHeader('x-amz-crc32', crc32(body));
  res.setHeader('Content-Type', type === 'application/x-amz-json-1.0' ? type : 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > MAX_REQUEST_BYTES) {
        req.removeAllListeners('data');
        resolve(undefined);
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, length)));
    req.once('error', reject);
  });
}

/** dynalite's envelope checks, in its order, for a request we handle ourselves. */
function envelopeError(req: IncomingMessage, body: string): ReturnType<typeof serializationError> | undefined {
  const authorization = req.headers.authorization;
  const presigned = /[?&]X-Amz-Algorithm=/.test(req.url ?? '');
  if ((!authorization && !presigned) || (authorization && !authorization.trim().startsWith('AWS4-'))) return missingAuthenticationToken();
  if (!body) return serializationError();
  return undefined;
}

async function handle(
  engine: Engine,
  handler: Handler,
  req: IncomingMessage,
  res: ServerResponse,
  onError: (error: unknown) => void,
): Promise<void> {
  const type = contentType(req);
  const body = await readBody(req);
  if (!body) {
    res.statusCode = 413;
    res.end();
    return;
  }
  res.setHeader('x-amzn-RequestId', randomBytes(39).toString('base64').toUpperCase().replace(/\+|\//g, '0'));
  if (req.headers.origin) res.setHeader('Access-Control-Allow-Origin', '*');
  const text = body.toString('utf8');
  let request: unknown;
  try {
    request = text ? JSON.parse(text) : undefined;
  } catch {
    send(res, type, 400, serializationError().body);
    return;
  }
  const invalid = envelopeError(req, text);
  if (invalid) {
    send(res, type, invalid.statusCode, invalid.body);
    return;
  }
  if (!request || typeof request !== 'object' || Array.isArray(request)) {
    send(res, type, 400, serializationError('Start of list found where not expected').body);
    return;
  }
  try {
    send(res, type, 200, await handler(engine, request as Record<string, unknown>));
  } catch (error) {
    if (isApiError(error)) {
      send(res, type, error.statusCode, error.body);
      return;
    }
    onError(error);
    const failure = internalServerError(error instanceof Error ? error.message : String(error));
    send(res, type, failure.statusCode, failure.body);
  }
}

/** The public server: our operations here, the rest to dynalite's handler. */
export function createFront(engine: Engine, onError: (error: unknown) => void): Server {
  const dynalite = engine.dynalite.server;
  const handlers = engine.throughput ? routesWithLimits : routes;
  return createServer((req, res) => {
    const handler = handlers.get(String(req.headers['x-amz-target'] ?? ''));
    // Anything that is not a JSON POST is answered by dynalite as it answers it (health
    // check, CORS preflight, 404 for other content types).
    if (!handler || req.method !== 'POST' || !JSON_TYPES.has(contentType(req))) {
      dynalite.emit('request', req, res);
      return;
    }
    handle(engine, handler, req, res, onError).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
}
