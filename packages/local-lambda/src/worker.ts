// The worker thread a FunctionHost runs its functions in (compiled by host.ts with esbuild,
// so that the thread starts without a TypeScript loader). One thread serves every function of
// a service, invocations interleaved, as `sls offline`'s in-process runner served them; a
// reload starts a new thread and lets this one finish what it was running.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { lambdaContext } from '@app/testing/lambda-context';
import type { Context } from 'aws-lambda';
import { lambdaVariables, traceHeader } from './lambda-variables.js';
import { divertMetricLines } from './metric-lines.js';
import type { FromWorker, ToWorker, WorkerFunction } from './protocol.js';

type Handler = (event: unknown, context: Context) => unknown;

// Stack traces name the TypeScript file and line (the bundles' maps), as NODE_OPTIONS
// --enable-source-maps makes them on Lambda.
process.setSourceMapsEnabled(true);

const { metricsFile } = (workerData ?? {}) as { metricsFile?: string };
if (metricsFile) divertMetricLines(process.stdout, metricsFile);

const modules = new Map<string, Promise<Handler>>();
const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

/** Lambda's init: the function's environment in place, then its module evaluated once. */
function load(fn: WorkerFunction): Promise<Handler> {
  let loaded = modules.get(fn.name);
  if (!loaded) {
    Object.assign(process.env, fn.environment, lambdaVariables(fn));
    loaded = import(pathToFileURL(fn.file).href).then((module: Record<string, unknown>) => {
      const handler = module[fn.exportName];
      if (typeof handler !== 'function') throw new Error(`${fn.name}: the bundle exports no function ${fn.exportName}`);
      return handler as Handler;
    });
    modules.set(fn.name, loaded);
    // A failed init is tried again on the next invocation, as Lambda does.
    loaded.catch(() => modules.delete(fn.name));
  }
  return loaded;
}

function describe(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

async function invoke(message: Extract<ToWorker, { type: 'invoke' }>): Promise<void> {
  const { fn } = message;
  let handler: Handler;
  try {
    handler = await load(fn);
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, phase: 'init', error: describe(error) });
    return;
  }
  try {
    // Functions of one service share this thread; each invocation sees its own function's variables.
    Object.assign(process.env, fn.environment, lambdaVariables(fn), { _X_AMZN_TRACE_ID: traceHeader() });
    const context = lambdaContext({
      functionName: fn.deployedName,
      awsRequestId: message.awsRequestId,
      timeoutMs: fn.timeoutMs,
      memoryLimitInMB: fn.memoryMb,
    });
    const value = await handler(message.event, context);
    send({ type: 'result', id: message.id, ok: true, value });
  } catch (error) {
    send({ type: 'result', id: message.id, ok: false, phase: 'invoke', error: describe(error) });
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'invoke') void invoke(message);
  else if (message.type === 'load')
    load(message.fn).then(
      () => send({ type: 'loaded', id: message.id, ok: true }),
      (error: unknown) => send({ type: 'loaded', id: message.id, ok: false, error: describe(error) }),
    );
});
