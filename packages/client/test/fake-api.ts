// A scripted HTTP server standing in for the API in the client's unit tests: it records every
// request and answers each with the next scripted reply (or 200 `{}`), on 127.0.0.1.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the connection without an answer. */
  hangUp?: true;
}

export interface FakeApi {
  baseUrl: string;
  requests: Recorded[];
  /** Queue replies, answered in order. */
  reply(...replies: Reply[]): void;
  /** Forget the requests and the replies not yet given. */
  reset(): void;
  stop(): Promise<void>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { 'content-type': 'application/json', ...headers },
});
export const problem = (status: number, type: string, headers: Record<string, string> = {}, extra: object = {}): Reply => ({
  status,
  body: { type, title: 'A title', status, detail: 'What went wrong.', ...extra },
  headers: { 'content-type': 'application/problem+json', ...headers },
});

export async function startFakeApi(): Promise<FakeApi> {
  const requests: Recorded[] = [];
  const queue: Reply[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const reply = queue.shift() ?? json(200, {});
      if (reply.hangUp) return req.socket.destroy();
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, reply.headers ?? {}).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    reset() {
      requests.length = 0;
      queue.length = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
