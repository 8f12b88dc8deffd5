// A service's configuration as the Serverless Framework resolves it (`sls print`, through
// @app/local-lambda, which npm start uses too), so that the bench bundles exactly what
// `sls package` deploys, and follows serverless.yml when it changes.
import { join } from 'node:path';
import { resolveServiceConfig } from '@app/local-lambda';
import { ROOT_DIR } from './processes.ts';

export { esbuildOptionsFrom, handlerEntry, loadPlugins } from '@app/local-lambda';

export interface FunctionConfig {
  handler: string;
  events?: Record<string, unknown>[];
}

export interface ServiceConfig {
  dir: string;
  functions: Record<string, FunctionConfig>;
  /** provider.environment, resolved for the stage. */
  environment: Record<string, string>;
  /** custom.esbuild, as written (serverless-esbuild's own keys included). */
  esbuild: Record<string, unknown>;
  runtime: string;
  memorySize: number;
  timeout: number;
}

/** `sls print --stage <stage>` in the service folder. */
export async function printService(dir: string, stage: string): Promise<ServiceConfig> {
  const { config } = await resolveServiceConfig(dir, { stage, slsBin: join(ROOT_DIR, 'node_modules', '.bin', 'sls') });
  return {
    dir,
    functions: config.functions ?? {},
    environment: Object.fromEntries(Object.entries(config.provider?.environment ?? {}).map(([k, v]) => [k, String(v)])),
    esbuild: config.custom?.esbuild ?? {},
    runtime: String(config.provider?.runtime ?? ''),
    memorySize: Number(config.provider?.memorySize ?? 1024),
    timeout: Number(config.provider?.timeout ?? 6),
  };
}
