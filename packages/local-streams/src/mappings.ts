// The event-source mappings of a service, read from its serverless.yml as the Serverless
// Framework itself resolves it (`sls print`), so every variable means locally what it
// means when deploying.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FilterPattern } from './filter.js';

export interface StreamMapping {
  functionName: string;
  /** Handler module path relative to the service folder, and its export. */
  handler: { file: string; exportName: string };
  /** Environment the function gets (provider + function level). */
  environment: Record<string, string>;
  /** The function's timeout (function level, else provider level, else Lambda's 6 s). */
  timeoutSeconds: number;
  streamArn: string;
  batchSize: number;
  batchWindowSeconds: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  filterPatterns: FilterPattern[];
  reportBatchItemFailures: boolean;
  bisectBatchOnFunctionError: boolean;
  /** -1: retry until the record expires (Lambda's default). */
  maximumRetryAttempts: number;
  /** -1: no limit beyond the stream's retention (Lambda's default). */
  maximumRecordAgeInSeconds: number;
  /** Whether the function has an on-failure destination (written to a local folder). */
  onFailure: boolean;
  /**
   * The function's environment variables that hold the address of its on-failure destination
   * (a `Ref` or `Fn::GetAtt` of the destination's resource): the runner sets them to the local
   * destination, so that the function can send records there itself, as it would on AWS.
   */
  onFailureVariables: string[];
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- resolved serverless.yml

/** Lambda's defaults for DynamoDB stream event-source mappings. */
const DEFAULTS = { batchSize: 100, batchWindow: 0, maximumRetryAttempts: -1, maximumRecordAgeInSeconds: -1 };

/** The CloudFormation resource a `Ref`/`Fn::GetAtt` value names, if it is one. */
function referencedResource(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { Ref: ref, 'Fn::GetAtt': getAtt } = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown };
  if (typeof ref === 'string') return ref;
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

export function mappingsFromConfig(config: Json): StreamMapping[] {
  const providerEnv = (config.provider?.environment ?? {}) as Record<string, unknown>;
  const mappings: StreamMapping[] = [];
  for (const [functionName, fn] of Object.entries((config.functions ?? {}) as Json)) {
    for (const event of (fn.events ?? []) as Json[]) {
      const stream = event.stream;
      if (!stream) continue;
      const settings = typeof stream === 'string' ? { arn: stream } : stream;
      if (settings.type && settings.type !== 'dynamodb') continue;
      if (typeof settings.arn !== 'string')
        throw new Error(`${functionName}: the stream arn must resolve to a string for this stage, got ${JSON.stringify(settings.arn)}`);
      const rawEnvironment: Record<string, unknown> = { ...providerEnv, ...(fn.environment ?? {}) };
      const destination = referencedResource(settings.destinations?.onFailure?.arn ?? settings.destinations?.onFailure);
      const onFailureVariables = destination
        ? Object.keys(rawEnvironment).filter((name) => referencedResource(rawEnvironment[name]) === destination)
        : [];
      const handler = String(fn.handler);
      const dot = handler.lastIndexOf('.');
      mappings.push({
        functionName,
        handler: { file: handler.slice(0, dot), exportName: handler.slice(dot + 1) },
        timeoutSeconds: Number(fn.timeout ?? config.provider?.timeout ?? 6),
        // The destination's address is the runner's to give (a reference means nothing locally).
        environment: Object.fromEntries(
          Object.entries(rawEnvironment).map(([k, v]) => [k, onFailureVariables.includes(k) ? '' : String(v)]),
        ),
        streamArn: settings.arn,
        batchSize: settings.batchSize ?? DEFAULTS.batchSize,
        batchWindowSeconds: settings.batchWindow ?? DEFAULTS.batchWindow,
        startingPosition: settings.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
        filterPatterns: settings.filterPatterns ?? [],
        reportBatchItemFailures: settings.functionResponseType === 'ReportBatchItemFailures',
        bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError === true,
        maximumRetryAttempts: settings.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts,
        maximumRecordAgeInSeconds: settings.maximumRecordAgeInSeconds ?? DEFAULTS.maximumRecordAgeInSeconds,
        onFailure: Boolean(settings.destinations?.onFailure),
        onFailureVariables,
      });
    }
  }
  return mappings;
}

/** Runs `sls print` in the service folder for `stage` and returns its stream mappings. */
export async function loadStreamMappings(
  serviceDir: string,
  options: { stage: string; slsBin: string; env?: NodeJS.ProcessEnv },
): Promise<StreamMapping[]> {
  const { stdout } = await promisify(execFile)(options.slsBin, ['print', '--stage', options.stage, '--format', 'json'], {
    cwd: serviceDir,
    env: { ...process.env, ...options.env, SLS_TELEMETRY_DISABLED: '1' },
    maxBuffer: 16 * 1024 * 1024,
  });
  return mappingsFromConfig(JSON.parse(stdout.slice(stdout.indexOf('{'))));
}

export const handlerModulePath = (serviceDir: string, mapping: StreamMapping) => join(serviceDir, `${mapping.handler.file}.ts`);
