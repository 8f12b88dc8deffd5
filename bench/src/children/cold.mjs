// One cold start: a fresh Node process (started with the function's NODE_OPTIONS) imports the
// bundled handler and serves one event, as Lambda's init and first invocation do. Plain
// JavaScript, so that no loader stands between Node and the bundle.
//   node cold.mjs <bundle.mjs> <exportName>   (BENCH_EVENT: the event, BENCH_FUNCTION: its name)
// Reports over IPC: ms from process start to the import, the import (init) and the first event,
// in elapsed time and in CPU time of the process (less sensitive to a busy machine).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { lambdaContext } from '@app/testing/lambda-context';

const [bundle, exportName] = process.argv.slice(2);
const event = JSON.parse(process.env.BENCH_EVENT ?? '{}');
const functionName = process.env.BENCH_FUNCTION ?? 'bench';
const context = lambdaContext({ functionName, awsRequestId: `cold-${process.pid}` });

/** CPU ms (user + system) of this process since `since` (a process.cpuUsage() reading). */
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const beforeImport = performance.now();
const cpuAtImport = process.cpuUsage();
const module = await import(pathToFileURL(bundle).href);
const afterImport = performance.now();
const initCpuMs = cpuMs(cpuAtImport);
const cpuAtEvent = process.cpuUsage();
const response = await module[exportName](event, context);
const afterEvent = performance.now();
const firstEventCpuMs = cpuMs(cpuAtEvent);
const codegen = globalThis.__benchCodegen?.() ?? null;
process.send(
  {
    bootMs: beforeImport,
    initMs: afterImport - beforeImport,
    firstEventMs: afterEvent - afterImport,
    initCpuMs,
    firstEventCpuMs,
    status: response?.statusCode ?? null,
    codegen,
  },
  () => process.exit(0),
);
