// API Gateway's HTTP API in front of the local functions: route selection, the payload 2.0
// event, the response mapping and CORS, as AWS documents them ("Working with AWS Lambda proxy
// integrations for HTTP APIs", "Working with routes for HTTP APIs", "Configuring CORS for an
// HTTP API"). Written here rather than run through `sls offline`: that plugin only starts inside
// the framework (1.4 s of boot here, then its own build of every function), and a request
// through it crossed a second HTTP server (hapi) behind the token check; here the check and
// the route share one server, and a function's result goes straight back to the client.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FunctionHost, Invocation } from './host.js';
import type { RouteSpec } from './functions.js';
import { formatBuildError } from './builder.js';

export interface CorsSettings {
  allowedOrigins?: string[];
  allowedHeaders?: string[];
  allowedMethods?: string[];
  exposedResponseHeaders?: string[];
  allowCredentials?: boolean;
  maxAge?: number;
}

export interface HttpApiOptions {
  routes: readonly RouteSpec[];
  host: Pick<FunctionHost, 'invoke'>;
  /** provider.httpApi.cors, resolved; none when unset or false. */
  cors?: CorsSettings | boolean;
  /** Makes the paths in a build error relative (the repository's root). */
  rootDir?: string;
  /** Each failed invocation, in one line (the function's own output is printed by the host). */
  log?: (line: string) => void;
}

/** The verified claims of the caller, when the route has an authorizer (the token check in front of it verified them). */
export type Claims = Record<string, unknown>;

interface CompiledRoute extends RouteSpec {
  pattern: RegExp;
  parameters: string[];
  /** Higher is more specific: literal segments count most, a greedy parameter least. */
  rank: number[];
}

function compile(route: RouteSpec): CompiledRoute {
  const parameters: string[] = [];
  let literals = 0;
  let greedy = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const match = /^\{([^}+]+)(\+)?\}$/.exec(segment);
      if (!match) {
        literals++;
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      parameters.push(match[1]!);
      if (match[2]) {
        greedy++;
        return '(.+)';
      }
      return '([^/]+)';
    })
    .join('/');
  return {
    ...route,
    pattern: new RegExp(`^${source}$`),
    parameters,
    rank: [greedy ? 0 : 1, literals, route.method === 'ANY' ? 0 : 1],
  };
}

const byRank = (a: CompiledRoute, b: CompiledRoute) => {
  for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return b.rank[i]! - a.rank[i]!;
  return 0;
};

/** Whether API Gateway passes a body of this type as text; anything else (or no type) arrives base64-encoded. */
function isText(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /^application\/(json|xml|javascript|x-www-form-urlencoded|graphql)$/.test(type) ||
    /\+(json|xml)$/.test(type)
  );
}

const safeDecode = (value: string) => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Claims as the JWT authorizer passes them: every value a string (arrays as `[a b]`). */
function claimStrings(claims: Claims): Record<string, string> {
  return Object.fromEntries(
    Object.entries(claims).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

const CLF_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
/** `03/Dec/2026:06:57:46 +0000`, the format of requestContext.time. */
const clfTime = (date: Date) =>
  `${pad(date.getUTCDate())}/${CLF_MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: string | Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class HttpApi {
  readonly #options: HttpApiOptions;
  readonly #routes: CompiledRoute[];
  readonly #defaultRoute: RouteSpec | undefined;
  readonly #cors: CorsSettings | undefined;

  constructor(options: HttpApiOptions) {
    this.#options = options;
    this.#routes = options.routes
      .filter((route) => route.routeKey !== '$default')
      .map(compile)
      .sort(byRank);
    this.#defaultRoute = options.routes.find((route) => route.routeKey === '$default');
    this.#cors = typeof options.cors === 'object' ? options.cors : options.cors === true ? { allowedOrigins: ['*'] } : undefined;
  }

  /** The routes in the order a reader expects: by path, then method; `$default` last. */
  get routes(): RouteSpec[] {
    const list = this.#routes.map(({ pattern: _p, parameters: _a, rank: _r, ...route }) => route);
    list.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    return this.#defaultRoute ? [...list, this.#defaultRoute] : list;
  }

  /** The route API Gateway selects for a request, and its path parameters. */
  match(method: string, path: string): { route: RouteSpec; pathParameters?: Record<string, string> } | undefined {
    for (const route of this.#routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const pathParameters = Object.fromEntries(route.parameters.map((name, i) => [name, safeDecode(found[i + 1]!)]));
      return { route, pathParameters: route.parameters.length ? pathParameters : undefined };
    }
    return this.#defaultRoute ? { route: this.#defaultRoute } : undefined;
  }

  #allowedOrigin(origin: string | undefined): string | undefined {
    if (!origin || !this.#cors) return undefined;
    const allowed = this.#cors.allowedOrigins ?? [];
    return allowed.includes('*') || allowed.includes(origin) ? origin : undefined;
  }

  /** The CORS headers API Gateway adds to a response for an allowed origin (it replaces any the function set). */
  #corsHeaders(origin: string | undefined, preflight: boolean): Record<string, string> {
    const allowed = this.#allowedOrigin(origin);
    if (!allowed || !this.#cors) return {};
    const cors = this.#cors;
    const headers: Record<string, string> = { 'access-control-allow-origin': allowed, vary: 'origin' };
    if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
    if (preflight) {
      if (cors.allowedMethods?.length) headers['access-control-allow-methods'] = cors.allowedMethods.join(',');
      if (cors.allowedHeaders?.length) headers['access-control-allow-headers'] = cors.allowedHeaders.join(',').toLowerCase();
      if (cors.maxAge !== undefined) headers['access-control-max-age'] = String(cors.maxAge);
    } else if (cors.exposedResponseHeaders?.length) {
      headers['access-control-expose-headers'] = cors.exposedResponseHeaders.join(',').toLowerCase();
    }
    return headers;
  }

  /** Serves one request; `claims` are the caller's verified claims (routes with an authorizer pass them on). */
  handle(req: IncomingMessage, res: ServerResponse, claims?: Claims): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => void this.#serve(req, res, Buffer.concat(chunks), claims));
    req.on('error', () => res.destroy());
  }

  async #serve(req: IncomingMessage, res: ServerResponse, body: Buffer, claims: Claims | undefined): Promise<void> {
    const received = new Date();
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawPath = queryAt < 0 ? rawUrl : rawUrl.slice(0, queryAt);
    const rawQueryString = queryAt < 0 ? '' : rawUrl.slice(queryAt + 1);
    const origin = req.headers.origin;

    // A CORS preflight is API Gateway's to answer when CORS is configured (and no OPTIONS route exists).
    if (
      method === 'OPTIONS' &&
      this.#cors &&
      req.headers['access-control-request-method'] &&
      !this.#routes.some((r) => r.method === 'OPTIONS')
    ) {
      send(res, 204, this.#corsHeaders(origin, true), '');
      return;
    }
    const matched = this.match(method, rawPath);
    if (!matched) {
      send(res, 404, { 'content-type': 'application/json', ...this.#corsHeaders(origin, false) }, '{"message":"Not Found"}');
      return;
    }
    const { route, pathParameters } = matched;

    const headers: Record<string, string> = {};
    let cookies: string[] | undefined;
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (name === 'cookie') cookies = String(value).split(/;\s*/).filter(Boolean);
      else headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const text = isText(headers['content-type']);
    const query = new URLSearchParams(rawQueryString);
    const queryStringParameters: Record<string, string> = {};
    for (const name of new Set(query.keys())) queryStringParameters[name] = query.getAll(name).join(',');
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath,
      rawQueryString,
      ...(cookies ? { cookies } : {}),
      headers,
      ...(rawQueryString ? { queryStringParameters } : {}),
      ...(pathParameters ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        ...(route.authorized && claims ? { authorizer: { jwt: { claims: claimStrings(claims), scopes: null } } } : {}),
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0],
        http: {
          method,
          path: rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: `${randomBytes(12).toString('base64url')}=`,
        routeKey: route.routeKey,
        stage: '$default',
        time: clfTime(received),
        timeEpoch: received.getTime(),
      },
      ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !text,
    };
    const invocation = await this.#options.host.invoke(route.functionName, event, { awsRequestId: randomUUID() });
    this.#respond(res, route, invocation, this.#corsHeaders(origin, false));
  }

  #respond(res: ServerResponse, route: RouteSpec, invocation: Invocation, cors: Record<string, string>): void {
    if (!invocation.ok) {
      const log = this.#options.log ?? (() => undefined);
      if (invocation.reason === 'build') {
        const first = formatBuildError(invocation.errors[0] ?? { text: 'unknown error' }, this.#options.rootDir);
        // Locally only: the developer reads where the build broke in the response too.
        const problem = {
          type: '/problems/service-unavailable',
          title: 'Service Unavailable',
          status: 503,
          detail: `The local build of ${route.functionName} is broken: ${first}. Save a fix: the next request runs it.`,
        };
        send(
          res,
          503,
          {
            'content-type': 'application/problem+json',
            'retry-after': '1',
            'x-content-type-options': 'nosniff',
            'cache-control': 'no-store',
            ...cors,
          },
          JSON.stringify(problem),
        );
        return;
      }
      if (invocation.reason === 'timeout') log(`${route.functionName} timed out after ${invocation.timeoutMs / 1000} s`);
      else if (invocation.reason === 'crash') log(`${route.functionName}: ${invocation.message}`);
      else
        log(
          `${route.functionName} failed${invocation.phase === 'init' ? ' to load' : ''}: ${invocation.error.stack ?? invocation.error.message}`,
        );
      // What API Gateway answers when the integration fails.
      send(
        res,
        invocation.reason === 'timeout' ? 503 : 500,
        { 'content-type': 'application/json', ...cors },
        invocation.reason === 'timeout' ? '{"message":"Service Unavailable"}' : '{"message":"Internal Server Error"}',
      );
      return;
    }
    const value = invocation.value as
      | { statusCode?: number; headers?: Record<string, unknown>; cookies?: string[]; body?: unknown; isBase64Encoded?: boolean }
      | string
      | undefined;
    // A result without a statusCode is taken as the body of a 200 JSON response.
    if (value === undefined || value === null || typeof value !== 'object' || value.statusCode === undefined) {
      const body = typeof value === 'string' ? value : JSON.stringify(value ?? null);
      send(res, 200, { 'content-type': 'application/json', ...cors }, body);
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, header] of Object.entries(value.headers ?? {})) headers[name.toLowerCase()] = String(header);
    if (value.cookies?.length) headers['set-cookie'] = value.cookies;
    Object.assign(headers, cors);
    const raw = value.body === undefined || value.body === null ? '' : String(value.body);
    send(res, value.statusCode, headers, value.isBase64Encoded ? Buffer.from(raw, 'base64') : raw);
  }
}
