// Runs one measurement that imports the application's own modules (handlers, the data layer's
// shared client, the stream consumer) in a process of its own, so that their per-process state
// (one client per process, the environment read at first use) belongs to that measurement only.
//   BENCH_PHASE={"phase": "capacity" | "streamLag" | "scale", "options": {...}}; reports over IPC.
import { measureCapacity, type CapacityOptions } from '../capacity.ts';
import { measureScale, type ScaleOptions } from '../scale.ts';
import { measureStreamLag, type LagOptions } from '../stream-lag.ts';

type Request =
  | { phase: 'capacity'; options: Omit<CapacityOptions, 'log'> }
  | { phase: 'streamLag'; options: LagOptions }
  | { phase: 'scale'; options: Omit<ScaleOptions, 'log'> };

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const request = JSON.parse(process.env.BENCH_PHASE ?? '{}') as Request;
const log = (line: string) => process.send?.({ log: line });
const result =
  request.phase === 'capacity'
    ? await measureCapacity({ ...request.options, log })
    : request.phase === 'scale'
      ? await measureScale({ ...request.options, log })
      : await measureStreamLag(request.options);
process.send?.({ result }, () => process.exit(0));
