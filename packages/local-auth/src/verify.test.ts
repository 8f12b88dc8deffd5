import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { loadLocalIssuer, LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer } from './issuer.js';
import { AuthenticationError, createVerifier, type Verifier } from './verify.js';

let dir: string;
let otherDir: string;
let issuer: LocalIssuer;
let impostor: LocalIssuer;
let verify: Verifier;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'issuer-'));
  otherDir = await mkdtemp(join(tmpdir(), 'issuer-other-'));
  issuer = await loadLocalIssuer(dir);
  impostor = await loadLocalIssuer(otherDir);
  verify = createVerifier({ jwks: issuer.jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(otherDir, { recursive: true, force: true });
});

async function rejection(authorization: string | undefined): Promise<AuthenticationError> {
  const error = await verify(authorization).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}

describe('local issuer', () => {
  it('keeps its key across loads, private key readable by the owner only', async () => {
    const again = await loadLocalIssuer(dir);
    expect(again.jwks).toEqual(issuer.jwks);
    expect((await stat(join(dir, 'signing-key.jwk.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(issuer.jwks)).not.toContain('"d"');
  });
});

describe('createVerifier', () => {
  it('accepts a token it signed and returns its claims', async () => {
    const token = await issuer.sign({ subject: 'alice', tenant: 'acme' });
    const claims = await verify(`Bearer ${token}`);
    expect(claims).toMatchObject({ sub: 'alice', tenant: 'acme', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE });
  });

  it('answers a bare challenge when no token is sent', async () => {
    const error = await rejection(undefined);
    expect(error.challenge).toBe('Bearer');
  });

  it.each([
    ['a Basic header', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bearer without a token', 'Bearer '],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
  ])('rejects %s as an invalid request', async (_, header) => {
    expect((await rejection(header)).code).toBe('invalid_request');
  });

  it('rejects a token signed by another key', async () => {
    const token = await impostor.sign({ subject: 'mallory' });
    const error = await rejection(`Bearer ${token}`);
    expect(error.code).toBe('invalid_token');
    expect(error.challenge).toMatch(
      /^Bearer error="invalid_token", error_description="the token (signature is not valid|was not signed by a known key)"$/,
    );
  });

  it('rejects a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await issuer.sign({ subject: 'alice', tenant: 'acme' })).split('.');
    const forged = Buffer.from(
      JSON.stringify({ sub: 'alice', tenant: 'globex', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 4e9 }),
    ).toString('base64url');
    expect((await rejection(`Bearer ${header}.${forged}.${signature}`)).message).toBe('the token signature is not valid');
  });

  it('rejects an expired token, another issuer and another audience', async () => {
    expect((await rejection(`Bearer ${await issuer.sign({ subject: 'a', expiresInSeconds: -10 })}`)).message).toBe('the token has expired');
    expect((await rejection(`Bearer ${await issuer.sign({ subject: 'a', issuer: 'https://evil.example' })}`)).message).toBe(
      'the token was issued by another issuer',
    );
    expect((await rejection(`Bearer ${await issuer.sign({ subject: 'a', audience: 'another-api' })}`)).message).toBe(
      'the token is for another audience',
    );
  });

  it('rejects an unsigned (alg: none) token', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'a', iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, exp: 4e9 })}.x`;
    expect((await rejection(`Bearer ${unsigned}`)).code).toBe('invalid_token');
  });
});

/** Fake only Date: the verifier's crypto and I/O keep their real timers and ticks. */
const EVERYTHING_BUT_THE_CLOCK = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('createVerifier, for a token it has verified before', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('answers the same claims again, and "expired" once its exp passes', async () => {
    // Prepare
    const token = await issuer.sign({ subject: 'carol', tenant: 'acme', expiresInSeconds: 60 });
    const first = await verify(`Bearer ${token}`);

    // Act
    const again = await verify(`Bearer ${token}`);
    jest.useFakeTimers({ now: Date.now() + 61_000, doNotFake: [...EVERYTHING_BUT_THE_CLOCK] });
    const error = await rejection(`Bearer ${token}`);

    // Assess
    expect(again).toEqual(first);
    expect(again).toMatchObject({ sub: 'carol', tenant: 'acme' });
    expect(error.message).toBe('the token has expired');
  });

  it('still rejects a forgery of it: the cache is keyed by the whole token, signature included', async () => {
    // Prepare
    const token = await issuer.sign({ subject: 'alice', tenant: 'acme' });
    await verify(`Bearer ${token}`);
    const [header, payload, signature] = token.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), tenant: 'globex' }),
    ).toString('base64url');

    // Act
    const forged = await rejection(`Bearer ${header}.${forgedPayload}.${signature}`);
    const flipped = await rejection(`Bearer ${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`);

    // Assess
    expect(forged.message).toBe('the token signature is not valid');
    expect(flipped.code).toBe('invalid_token');
  });
});
