// The local stand-in for API Gateway's JWT authorizer: an HTTP front on the API port that
// verifies every protected request's bearer token, answers 401 problem+json with a
// WWW-Authenticate challenge when it fails, and hands the rest, with the verified claims, to
// the local API (npm start) or forwards them to an HTTP server (`sls offline`).
// Written here because serverless-offline decodes JWTs without checking their signature,
// so on its own it would accept any forged token.
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import type { Throttle } from './throttle.js';
import { AuthenticationError, type Verifier } from './verify.js';

export interface AuthGatewayOptions {
  port: number;
  host?: string;
  /** Where requests go: an HTTP server to forward them to (`sls offline`, e.g. http://127.0.0.1:3010), or a function that serves them. */
  target: string | Upstream;
  verify: Verifier;
  /** Served at /.well-known/jwks.json, as an identity provider publishes its keys. */
  jwks: JSONWebKeySet;
  /** Paths that need no token (docs, health): exact match or prefix ending in '/'. */
  publicPaths?: readonly string[];
  /**
   * The stage's throttling, applied before the token check as API Gateway does: a request over
   * its route's limit gets 429 problem+json with Retry-After. A function, so that a reloaded
   * configuration takes effect at once; none when it returns undefined.
   */
  throttle?: () => Throttle | undefined;
  /** The route key ("POST /projects/{projectId}") a request is throttled under; default "<METHOD> <path>". */
  routeKeyOf?: (method: string, path: string) => string;
  /** Called once per answered request: the local access log, as API Gateway writes one. */
  onResponse?: (entry: AccessEntry) => void;
}

/** Serves a request the gateway let through; `claims` are the verified token's (none on public paths and preflights). */
export type Upstream = (req: IncomingMessage, res: ServerResponse, claims?: JWTPayload) => void;

export interface AccessEntry {
  method: string;
  /** Without the query string, as API Gateway's `$context.path`. */
  path: string;
  status: number;
  latencyMs: number;
}

export interface AuthGateway {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function unauthorized(res: ServerResponse, error: AuthenticationError) {
  const body = JSON.stringify({
    type: '/problems/unauthorized',
    title: 'Unauthorized',
    status: 401,
    detail: `A valid bearer token is required: ${error.message}.`,
  });
  res.writeHead(401, {
    'content-type': 'application/problem+json',
    'www-authenticate': error.challenge,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function tooManyRequests(res: ServerResponse, retryAfterSeconds: number) {
  const body = JSON.stringify({
    type: '/problems/too-many-requests',
    title: 'Too Many Requests',
    status: 429,
    detail: `The stage's request rate limit was reached: retry after ${retryAfterSeconds} s.`,
  });
  res.writeHead(429, {
    'content-type': 'application/problem+json',
    'retry-after': String(retryAfterSeconds),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function badGateway(res: ServerResponse) {
  if (res.headersSent) return res.destroy();
  const body = JSON.stringify({
    type: '/problems/service-unavailable',
    title: 'Service Unavailable',
    status: 503,
    detail: 'The API is not reachable yet: retry shortly.',
  });
  res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const hasBody = (req: IncomingMessage) => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** An upstream that forwards each request to the HTTP server at `url`. */
function proxyTo(url: string): { forward: Upstream; close(): void } {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const forward: Upstream = (req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
    // sls offline gives a request without a content type `application/json`
    // (LambdaProxyIntegrationEventV2), which API Gateway never does: a body sent without one
    // would be taken as JSON locally and refused (415) on AWS. Marked as bytes, it is refused here too.
    if (headers['content-type'] === undefined && hasBody(req)) headers['content-type'] = 'application/octet-stream';
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (reply) => {
        const replyHeaders = Object.fromEntries(Object.entries(reply.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
        // sls offline gives every function response without a content type `application/json`;
        // a 204 or 304 has no content to type (RFC 9110 15.4.5), and strict clients (an OpenAPI
        // proxy, say) then look for a JSON body that is not there.
        if (reply.statusCode === 204 || reply.statusCode === 304) delete replyHeaders['content-type'];
        res.writeHead(reply.statusCode ?? 502, replyHeaders);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => badGateway(res));
    req.pipe(upstream);
  };
  return { forward, close: () => agent.destroy() };
}

export async function startAuthGateway(options: AuthGatewayOptions): Promise<AuthGateway> {
  const proxy = typeof options.target === 'string' ? proxyTo(options.target) : undefined;
  const forward: Upstream = proxy?.forward ?? (options.target as Upstream);
  const isPublic = (path: string) => (options.publicPaths ?? []).some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
  const jwksBody = JSON.stringify(options.jwks);
  const routeKeyOf = options.routeKeyOf ?? ((method: string, path: string) => `${method} ${path}`);

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (options.onResponse) {
      const started = performance.now();
      const report = options.onResponse;
      res.once('finish', () => report({ method: req.method ?? '', path, status: res.statusCode, latencyMs: performance.now() - started }));
    }
    if (path === '/.well-known/jwks.json' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(jwksBody) });
      res.end(jwksBody);
      return;
    }
    // Preflights are API Gateway's own answer (CORS), never a route's: not throttled.
    if (req.method === 'OPTIONS') return forward(req, res);
    const wait = options.throttle?.()?.admit(routeKeyOf(req.method ?? 'GET', path));
    if (wait !== undefined) {
      req.resume();
      return tooManyRequests(res, wait);
    }
    if (isPublic(path)) return forward(req, res);
    options.verify(req.headers.authorization).then(
      (claims) => forward(req, res, claims),
      (error: unknown) => {
        if (error instanceof AuthenticationError) {
          req.resume();
          unauthorized(res, error);
        } else badGateway(res);
      },
    );
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    async stop() {
      proxy?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
