// What npm start prints once the API serves: every route once, with the URL to call, and how
// to get a token. The functions are reached through this port only.
import type { RouteSpec } from '@app/local-lambda';

export interface BannerOptions {
  apiPort: number;
  routes: readonly RouteSpec[];
  publicPaths: readonly string[];
  readyIn: string;
}

export function banner(options: BannerOptions): string {
  const base = `http://localhost:${options.apiPort}`;
  const isPublic = (path: string) => options.publicPaths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
  const rows = options.routes.map((route) =>
    route.routeKey === '$default'
      ? ['ANY', `${base}/…`, `${route.functionName} (any other method and path)`]
      : [route.method, `${base}${route.path}`, `${route.functionName}${isPublic(route.path) || !route.authorized ? ' (no token)' : ''}`],
  );
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return [
    `[start] API on ${base} (ready in ${options.readyIn}); every route needs a bearer token unless marked:`,
    ...rows.map((row) => `    ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`),
    `[start] token: TOKEN=$(npm run -s token -- <user> --tenant <tenant>); curl -H "Authorization: Bearer $TOKEN" ${base}/projects`,
  ].join('\n');
}
