// Port helpers of the root scripts (lib/local-env.ts, npm start): read ports from the
// environment strictly and find out early, in one clear line, that a port is taken.
import { createServer } from 'node:net';

export class PortInUseError extends Error {
  readonly port: number;
  readonly host: string;

  constructor(port: number, host: string, envName?: string) {
    super(`port ${port} on ${host} is already in use: stop the other process${envName ? ` or set ${envName}` : ''}`);
    this.name = 'PortInUseError';
    this.port = port;
    this.host = host;
  }
}

/** The port in env var `name`, or `fallback` when unset or empty; anything but 1..65535 throws. */
export function envPort(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    throw new Error(`${name} must be an integer from 1 to 65535, got "${env[name]}"`);
  }
  return port;
}

/** Resolves when `port` can be listened on at `host`; rejects with PortInUseError when taken. */
export async function assertPortFree(port: number, host = '127.0.0.1', envName?: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject).listen({ port, host, exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, host, envName);
    throw error;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
