// npm run token -- <user> [--tenant <tenant>] [--expires-in <seconds>]
// Prints a bearer token for the local stack, signed by the local issuer (AUTH_DIR, by default
// $STATE_DIR/auth: the key npm start verifies with), as an identity provider would issue it
// on a deployed stage.
import { parseArgs } from 'node:util';
import { loadLocalIssuer } from '@app/local-auth';
import { localEnv } from './lib/local-env.ts';

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

let authDir: string;
try {
  ({ authDir } = localEnv());
} catch (error) {
  fail((error as Error).message);
}
const issuer = await loadLocalIssuer(authDir);
console.log(
  await issuer.sign({ subject: user, tenant: parsed.values.tenant, expiresInSeconds: expires === undefined ? undefined : Number(expires) }),
);
