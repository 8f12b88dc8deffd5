// Per-request overhead of one handler (the API's or the hand-written one; one per process, so
// that neither inherits the other's JIT state or async hooks), bundled with the AWS SDK external
// so that it uses the SDK module this process stubs: invoked in this process with API Gateway
// events, its database calls answered by a stub `send` of DynamoDBDocumentClient, so that only
// the handler's own code is timed. Plain JavaScript: no loader between Node and the bundle.
//   node overhead.mjs   (BENCH_SPEC: JSON, see bench/src/overhead.ts)
// Reports each timed invocation's microseconds over IPC.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { lambdaContext } from '@app/testing/lambda-context';

const spec = JSON.parse(process.env.BENCH_SPEC ?? '{}');

// The SDK the bundles import, resolved from where they are, so that it is the same module.
const require = createRequire(spec.bundle.path);
const { DynamoDBDocumentClient } = await import(pathToFileURL(require.resolve('@aws-sdk/lib-dynamodb')).href);
let calls = 0;
DynamoDBDocumentClient.prototype.send = async function send(command) {
  calls += 1;
  const answer = spec.responses[command.constructor.name];
  if (answer === undefined) throw new Error(`no stubbed answer for ${command.constructor.name}`);
  return answer;
};

const handler = (await import(pathToFileURL(spec.bundle.path).href))[spec.bundle.exportName];

let sequence = 0;
const contextOf = (functionName) => lambdaContext({ functionName, awsRequestId: `overhead-${++sequence}` });
const eventOf = () => {
  const event = globalThis.structuredClone(spec.event);
  event.requestContext.requestId = `req-${++sequence}`;
  return event;
};

/** Runs up to `count` invocations (event and context built outside the timing), within the time budget. */
async function run(count, samples, deadline) {
  for (let i = 0; i < count && performance.now() < deadline; i++) {
    const event = eventOf();
    const context = contextOf(spec.functionName);
    const started = performance.now();
    const response = await handler(event, context);
    const elapsed = performance.now() - started;
    if (response?.statusCode !== spec.status)
      throw new Error(`${spec.bundle.path} answered ${response?.statusCode} (expected ${spec.status}): ${response?.body ?? ''}`);
    samples?.push(elapsed * 1000);
  }
}

const deadline = performance.now() + spec.budgetMs;
const warmupSamples = [];
await run(spec.warmup, warmupSamples, deadline);
calls = 0;
const samples = [];
await run(spec.iterations, samples, deadline);
process.send({ samples, warmupSamples, dbCalls: calls / Math.max(1, samples.length) }, () => process.exit(0));
