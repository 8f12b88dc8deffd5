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

/** `sls print --stage <stage>` in the service folder, against `env` (this process's by default). */
export async function printService(dir: string, stage: string, env?: NodeJS.ProcessEnv): Promise<ServiceConfig> {
  const { config } = await resolveServiceConfig(dir, {
    stage,
    slsBin: join(ROOT_DIR, 'node_modules', '.bin', 'sls'),
    ...(env ? { env } : {}),
  });
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

/**
 * What Lambda adds to a traced function's environment (TracingConfig Active), when the
 * service's configuration turns the Powertools tracer on (`npm run bench -- --tracing`): the
 * variables that put the X-Ray SDK in Lambda mode, a trace id per invocation and the daemon's
 * UDP address (nothing listens: each subsegment is still built and sent, as on Lambda).
 * `sampled` (the default): every request traced, the most a deployed stage pays (X-Ray's default
 * rule samples the first request of each second, so a function at 1 request a second or less
 * has all of them traced). Unsampled (`--tracing=unsampled`): what the other 95% of requests
 * carry at volume (the rule's 5%): the tracer runs, nothing is sent.
 */
export function tracingVariables(api: ServiceConfig, sampling: 'sampled' | 'unsampled' = 'sampled'): Record<string, string> {
  if (api.environment.POWERTOOLS_TRACE_ENABLED !== 'true') return {};
  return {
    AWS_EXECUTION_ENV: `AWS_Lambda_${api.runtime}`,
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    _X_AMZN_TRACE_ID: `Root=1-67a0b1c2-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=${sampling === 'sampled' ? 1 : 0}`,
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
  };
}
