// npm run token -- <user> [--tenant <tenant>] [--expires-in <seconds>]
// Prints a bearer token for the local stack, signed by the local issuer (.local/auth, or
// AUTH_DIR), as an identity provider would issue it on a deployed stage.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { loadLocalIssuer } from '@app/local-auth';

const usage = 'usage: npm run token -- <user> [--tenant <tenant>] [--expires-in <seconds>]';

function fail(message: string): never {
  console.error(`[token] ${message}\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { tenant: { type: 'string' }, 'expires-in': { type: 'string' } } });
} catch (error) {
  fail((error as Error).message);
}
const [user, ...rest] = parsed.positionals;
if (!user || rest.length > 0) fail('name exactly one user');
const expires = parsed.values['expires-in'];
if (expires !== undefined && !/^-?\d+$/.test(expires)) fail('--expires-in takes a whole number of seconds');
if (parsed.values.tenant === '') fail('--tenant needs a name');

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const issuer = await loadLocalIssuer(process.env.AUTH_DIR ?? join(rootDir, '.local', 'auth'));
console.log(
  await issuer.sign({ subject: user, tenant: parsed.values.tenant, expiresInSeconds: expires === undefined ? undefined : Number(expires) }),
);
