// The functions of a resolved serverless.yml as the local host runs them: source entry,
// export, environment, timeout, and the API Gateway HTTP API routes that reach them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from './service-config.js';

export interface RouteSpec {
  functionName: string;
  /** `GET /projects/{projectId}`, `ANY /things`, or `$default`. */
  routeKey: string;
  /** Upper case, `ANY` for any method; empty for `$default`. */
  method: string;
  /** The path template; empty for `$default`. */
  path: string;
  /** Whether the route has an authorizer (the caller's verified claims reach the function). */
  authorized: boolean;
}

export interface FunctionSpec {
  name: string;
  /** The Lambda function's deployed name (`<service>-<stage>-<function>`). */
  deployedName: string;
  /** Source file, absolute, as serverless-esbuild resolves the handler. */
  entry: string;
  exportName: string;
  /** provider.environment with the function's own on top, as strings. */
  environment: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  routes: RouteSpec[];
}

/** The source file of `src/handlers/projects/get.handler` (as serverless-esbuild resolves it) and the export. */
export function handlerEntry(serviceDir: string, handler: string): { file: string; exportName: string } {
  const dot = handler.lastIndexOf('.');
  const base = handler.slice(0, dot);
  const file = ['.ts', '.mts', '.js', '.mjs', '.cjs', '.tsx', '.jsx']
    .map((ext) => `${base}${ext}`)
    .find((candidate) => existsSync(join(serviceDir, candidate)));
  if (!file) throw new Error(`no source file for handler ${handler} in ${serviceDir}`);
  return { file, exportName: handler.slice(dot + 1) };
}

/**
 * Variables as strings. A value that is still an object (a `Ref` or `Fn::GetAtt` that only
 * CloudFormation resolves) means nothing locally: it is empty, unless the host is told what
 * stands in for it (FunctionHost.setEnvironment).
 */
const strings = (values: Record<string, unknown> | undefined) =>
  Object.fromEntries(
    Object.entries(values ?? {}).map(([name, value]) => [name, value !== null && typeof value === 'object' ? '' : String(value)]),
  );

/** The routes of one function's `httpApi` events, as API Gateway keys them. */
function routesOf(functionName: string, events: unknown[]): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const event of events as Record<string, unknown>[]) {
    const httpApi = event.httpApi as string | { method?: string; path?: string; authorizer?: unknown } | undefined;
    if (httpApi === undefined) continue;
    const spec = typeof httpApi === 'string' ? { method: httpApi.split(' ')[0], path: httpApi.split(' ')[1] } : httpApi;
    const isDefault = httpApi === '*' || (spec.method === '*' && spec.path === '*');
    const method = spec.method === '*' ? 'ANY' : String(spec.method ?? '').toUpperCase();
    routes.push({
      functionName,
      routeKey: isDefault ? '$default' : `${method} ${spec.path}`,
      method: isDefault ? '' : method,
      path: isDefault ? '' : String(spec.path),
      authorized: typeof httpApi === 'object' && Boolean(httpApi.authorizer),
    });
  }
  return routes;
}

/** Every function of the service, in the order serverless.yml lists them. */
export function functionsOf(serviceDir: string, config: ResolvedConfig): FunctionSpec[] {
  const provider = (config.provider ?? {}) as Record<string, unknown>;
  const stage = String(provider.stage ?? 'dev');
  return Object.entries((config.functions ?? {}) as Record<string, Record<string, unknown>>).map(([name, definition]) => {
    const { file, exportName } = handlerEntry(serviceDir, String(definition.handler));
    return {
      name,
      deployedName: String(definition.name ?? `${config.service}-${stage}-${name}`),
      entry: join(serviceDir, file),
      exportName,
      environment: {
        ...strings(provider.environment as Record<string, unknown>),
        ...strings(definition.environment as Record<string, unknown>),
      },
      timeoutMs: Number(definition.timeout ?? provider.timeout ?? 6) * 1000,
      memoryMb: Number(definition.memorySize ?? provider.memorySize ?? 1024),
      routes: routesOf(name, (definition.events ?? []) as unknown[]),
    };
  });
}
