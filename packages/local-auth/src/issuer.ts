// The local identity provider: one ES256 key pair kept in a folder (created on first use),
// its public half as a JWKS, and tokens signed with it. It plays the part Cognito (or any
// OIDC provider) plays on deployed stages.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

/** `.invalid` never resolves: this issuer exists only on a developer's machine. */
export const LOCAL_ISSUER = 'https://issuer.local.invalid';
export const LOCAL_AUDIENCE = 'rest-api-local';
/** The claim that names the caller's tenant in local tokens (TENANT_CLAIM of the local stage). */
export const LOCAL_TENANT_CLAIM = 'tenant';
const ALGORITHM = 'ES256';

export interface TokenRequest {
  subject: string;
  tenant?: string;
  /** Seconds until expiry; default one hour. Negative gives an already expired token. */
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  sign(request: TokenRequest): Promise<string>;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The issuer whose keys live in `dir`; a new key pair is made there the first time. */
export async function loadLocalIssuer(dir: string): Promise<LocalIssuer> {
  const privatePath = join(dir, 'signing-key.jwk.json');
  let privateJwk = await readJson<JWK>(privatePath);
  if (!privateJwk) {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), alg: ALGORITHM, use: 'sig', kid: `local-${Date.now().toString(36)}` };
    await mkdir(dir, { recursive: true });
    await writeFile(privatePath, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
    await chmod(privatePath, 0o600);
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, ALGORITHM);

  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_AUDIENCE,
    jwks: { keys: [publicJwk] },
    async sign(request) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(request.tenant ? { [LOCAL_TENANT_CLAIM]: request.tenant } : {})
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid, typ: 'JWT' })
        .setIssuer(request.issuer ?? LOCAL_ISSUER)
        .setAudience(request.audience ?? LOCAL_AUDIENCE)
        .setSubject(request.subject)
        .setIssuedAt(now)
        .setExpirationTime(now + (request.expiresInSeconds ?? 3600))
        .sign(signingKey);
    },
  };
}
