import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from './errors.js';

/**
 * Opaque, tamper-evident pagination cursors.
 *
 * A cursor carries DynamoDB's LastEvaluatedKey, bound to the list it came from (its scope:
 * which query, which partition) and signed with HMAC-SHA256. Decoding checks the signature,
 * the scope and that the key stays inside the expected partition, so a forged, edited or
 * foreign cursor (another tenant's, another project's, another list's) is rejected as a
 * client error and can never start a query somewhere else.
 */

export type PageKey = Record<string, string>;

const VERSION = 1;
const MAX_CURSOR_LENGTH = 2048;
const SIGNATURE_BYTES = 16;

export interface CursorCodec {
  encode(scope: string, key: PageKey): string;
  /** `expected` lists the key attributes and the values some of them must have. */
  decode(cursor: string, scope: string, expected: { attributes: readonly string[]; fixed: PageKey }): PageKey;
}

export function createCursorCodec(secret: string): CursorCodec {
  if (secret.length < 16) throw new TypeError('cursor secret must be at least 16 characters');
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest().subarray(0, SIGNATURE_BYTES);

  return {
    encode(scope, key) {
      const payload = Buffer.from(JSON.stringify({ v: VERSION, s: scope, k: key })).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    decode(cursor, scope, expected) {
      if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidCursorError('too long');
      const [payload, signature, extra] = cursor.split('.');
      if (!payload || !signature || extra !== undefined) throw new InvalidCursorError('malformed');
      const given = Buffer.from(signature, 'base64url');
      const wanted = sign(payload);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new InvalidCursorError('bad signature');

      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        throw new InvalidCursorError('malformed');
      }
      const { v, s, k } = (body ?? {}) as { v?: unknown; s?: unknown; k?: unknown };
      if (v !== VERSION) throw new InvalidCursorError('unsupported version');
      if (s !== scope) throw new InvalidCursorError('issued for another list');
      if (typeof k !== 'object' || k === null) throw new InvalidCursorError('malformed');

      // Even a correctly signed cursor only ever names the attributes of this list's key,
      // with the partition values this caller is allowed to read.
      const key = k as Record<string, unknown>;
      const names = Object.keys(key);
      if (names.length !== expected.attributes.length || !expected.attributes.every((a) => typeof key[a] === 'string')) {
        throw new InvalidCursorError('malformed');
      }
      for (const [name, value] of Object.entries(expected.fixed)) {
        if (key[name] !== value) throw new InvalidCursorError('issued for another list');
      }
      return key as PageKey;
    },
  };
}
