// The end-to-end baseline: a plain node:http server on the same data layer (@app/data's
// repositories, the same client settings from the environment) and the same database as the
// local stack. No gateway, no token check, no Lambda emulation, no middleware: the caller's
// tenant is fixed (PLAIN_TENANT_ID), as a verified claim would give it.
//   GET  /projects/{projectId}   -> 200 the project (404 when missing)
//   POST /projects  {name}       -> 201 the new project
// Prints `listening <port>` once it accepts connections; stops on SIGTERM/SIGINT.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRepositories, DataError } from '@app/data';

const tenantId = process.env.PLAIN_TENANT_ID ?? 'tenant:bench';
const repositories = createRepositories();

const send = (res: ServerResponse, status: number, body?: unknown) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0]!;
  const parts = path.split('/').filter(Boolean);
  if (req.method === 'GET' && parts.length === 2 && parts[0] === 'projects') {
    return send(res, 200, await repositories.projects.get(tenantId, parts[1]!));
  }
  if (req.method === 'POST' && parts.length === 1 && parts[0] === 'projects') {
    const input = JSON.parse(await readBody(req)) as { name: string; description?: string };
    return send(res, 201, await repositories.projects.create(tenantId, input));
  }
  return send(res, 404, { message: 'no route' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) =>
    send(res, error instanceof DataError && error.code === 'NOT_FOUND' ? 404 : 500, { message: 'failed' }),
  );
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${(server.address() as AddressInfo).port}`));
const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop).once('SIGINT', stop);
