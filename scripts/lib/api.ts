// The API of the local stack: services/api's httpApi routes (API Gateway's HTTP API, payload
// 2.0) served by its functions, behind the token check of packages/local-auth.
import { HttpApi, type CorsSettings } from '@app/local-lambda';
import type { LocalService } from './service.ts';

export interface LocalApi {
  service: LocalService;
  httpApi: HttpApi;
}

export function startLocalApi(options: { service: LocalService; rootDir: string; log: (line: string) => void }): LocalApi {
  const { service } = options;
  const httpApi = new HttpApi({
    routes: service.functions.flatMap((fn) => fn.routes),
    host: service.host,
    cors: service.config.provider?.httpApi?.cors as CorsSettings | boolean | undefined,
    rootDir: options.rootDir,
    log: options.log,
  });
  return { service, httpApi };
}
