// The stream consumer of the local stack: services/stream-consumer's function, run by its
// FunctionHost (reloaded on save like the API's), fed by the local event-source mapping
// (packages/local-streams) with the `stream` events of its serverless.yml.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatBuildError, type BuildError } from '@app/local-lambda';
import type { Invoker, StreamRunner } from '@app/local-streams';
import type { LocalEnv } from './local-env.ts';
import type { LocalService } from './service.ts';

export interface LocalConsumer {
  runner: StreamRunner;
  mappings: number;
  /** A change reloaded the function: records waiting on a broken build are delivered again. */
  reloaded(ok: boolean): void;
  stop(): Promise<void>;
}

export interface ConsumerOptions {
  layout: LocalEnv;
  service: LocalService;
  endpoint: string;
  log: (line: string) => void;
}

/**
 * Starts reading the table's stream once the function is built and loaded. While its build
 * is broken, its records wait (unacknowledged, no retry used up) and are delivered once a fix is
 * saved: a developer's typo must not send a batch to the on-failure destination.
 */
export async function startConsumer(options: ConsumerOptions): Promise<LocalConsumer> {
  const { service, layout, log } = options;
  // Loaded here, once the API serves: the Streams client is not needed before (0.1 to 0.15 s of imports).
  const { mappingsFromConfig, startStreamRunner } = await import('@app/local-streams');
  const mappings = mappingsFromConfig(service.config);
  let fixed: { promise: Promise<void>; resolve: () => void } | undefined;
  let stopped = false;
  const waitForFix = (errors: BuildError[], name: string) => {
    if (!fixed) {
      let resolve: () => void = () => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      fixed = { promise, resolve };
      const error = errors[0];
      log(`${name} does not build (${error ? formatBuildError(error, layout.rootDir) : 'unknown error'}): its records wait for a fix`);
    }
    return fixed.promise;
  };
  const invokerOf =
    (name: string): Invoker =>
    async (event) => {
      for (;;) {
        const invocation = await service.host.invoke(name, event);
        if (invocation.ok) return invocation.value;
        if (invocation.reason !== 'build' || stopped) {
          if (invocation.reason === 'error') throw Object.assign(new Error(invocation.error.message), { name: invocation.error.name });
          throw new Error(invocation.reason === 'timeout' ? `timed out after ${invocation.timeoutMs / 1000} s` : invocation.reason);
        }
        await waitForFix(invocation.errors, name);
      }
    };
  // The on-failure destination's address (a queue URL on AWS) is the local destination's: a
  // file: URL of its folder, as the runner writes it, or '' when nothing is kept.
  for (const mapping of mappings) {
    const failuresDir = layout.streamsDir && join(layout.streamsDir, 'failures', mapping.functionName);
    const address = failuresDir ? pathToFileURL(failuresDir).href : '';
    service.host.setEnvironment(mapping.functionName, Object.fromEntries(mapping.onFailureVariables.map((name) => [name, address])));
  }
  // Built and loaded before the first record arrives, so that "ready" means ready.
  for (const mapping of mappings) {
    const prepared = await service.host.prepare(mapping.functionName);
    if (!prepared.ok)
      log(`${mapping.functionName} does not build yet: ${formatBuildError(prepared.errors[0] ?? { text: '?' }, layout.rootDir)}`);
  }
  const runner = await startStreamRunner({
    serviceDir: service.dir,
    mappings,
    endpoint: options.endpoint,
    stateDir: layout.streamsDir,
    invokers: Object.fromEntries(mappings.map((mapping) => [mapping.functionName, invokerOf(mapping.functionName)])),
    log,
  });
  return {
    runner,
    mappings: mappings.length,
    reloaded(ok) {
      if (!ok || !fixed) return;
      fixed.resolve();
      fixed = undefined;
    },
    async stop() {
      stopped = true;
      fixed?.resolve();
      await runner.stop();
    },
  };
}
