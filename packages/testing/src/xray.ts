// Tracing as deployed, for a suite: a UDP socket standing in for the X-Ray daemon of a Lambda
// environment, and the variables Lambda gives a traced function (TracingConfig Active), set in
// this process until `stop` puts the previous ones back.
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface TracingDaemon {
  /** Each (sub)segment received so far, parsed: the SDK sends one per datagram, after a header line. */
  readonly segments: Record<string, unknown>[];
  /** The trace id of the invocation the environment names (sampled). */
  readonly traceRoot: string;
  stop(): Promise<void>;
}

export const TRACE_ROOT = '1-67a0b1c2-0123456789abcdef01234567';

/**
 * Starts the daemon on 127.0.0.1 and sets Lambda's tracing variables (and
 * POWERTOOLS_TRACE_ENABLED, plus `extra`) in process.env: modules imported after this load
 * traced, as on Lambda.
 */
export async function startTracingDaemon(extra: Record<string, string> = {}): Promise<TracingDaemon> {
  const socket = createSocket('udp4');
  const segments: Record<string, unknown>[] = [];
  socket.on('message', (message) => segments.push(JSON.parse(message.toString().split('\n')[1]!) as Record<string, unknown>));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const variables: Record<string, string> = {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    POWERTOOLS_TRACE_ENABLED: 'true',
    AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(socket.address() as AddressInfo).port}`,
    _X_AMZN_TRACE_ID: `Root=${TRACE_ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
    ...extra,
  };
  const before = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
  Object.assign(process.env, variables);
  return {
    segments,
    traceRoot: TRACE_ROOT,
    async stop() {
      for (const [name, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
