// The JSON body reader: size cap, media type, malformed JSON and Unicode that cannot be stored.
import { apiEvent } from '@app/testing';
import { describe, expect, it } from '@jest/globals';
import { MAX_BODY_BYTES, parseJsonBody } from '../src/http/json-body.js';
import { HttpProblem } from '../src/http/problem.js';

/** What parseJsonBody makes of a POST /projects body: the value, or the problem it throws. */
const read = (rawBody: string, options: { base64?: boolean; type?: string } = {}) => {
  const event = apiEvent('createProject', { rawBody, headers: { 'content-type': options.type ?? 'application/json' } });
  if (options.base64) event.isBase64Encoded = true;
  try {
    return parseJsonBody(event);
  } catch (error) {
    return error instanceof HttpProblem ? { kind: error.kind, errors: error.extra.errors } : error;
  }
};

describe('parseJsonBody', () => {
  it('reads JSON', () => {
    expect(read('{"name":"x"}')).toEqual({ name: 'x' });
  });

  it('reads base64-encoded JSON as UTF-8', () => {
    expect(read(Buffer.from('{"name":"é"}').toString('base64'), { base64: true })).toEqual({ name: 'é' });
  });

  it('reads deeply nested arrays without a stack overflow', () => {
    // Act
    const value = read('['.repeat(30_000) + ']'.repeat(30_000));

    // Assess: 30,000 arrays, each holding the next
    let depth = 0;
    for (let level = value; Array.isArray(level); level = level[0]) depth++;
    expect(depth).toBe(30_000);
  });

  it.each([
    ['an escaped unpaired surrogate', '{"name":"\\ud800"}'],
    ['an unpaired surrogate in a key', '{"\\udc00":1}'],
    ['a reversed pair', '{"name":"\\udc00\\ud800"}'],
  ])('refuses %s: it cannot be stored as UTF-8', (_label, body) => {
    expect(read(body)).toEqual({
      kind: 'badRequest',
      errors: [{ pointer: '/body', message: expect.stringMatching(/unpaired surrogate/) }],
    });
  });

  it('accepts a proper surrogate pair, NUL and bidirectional controls', () => {
    expect(read('{"name":"\\ud83d\\ude00 a\\u0000b \\u202e"}')).toEqual({ name: '😀 a\u0000b \u202e' });
  });

  it('refuses invalid UTF-8 rather than replacing it', () => {
    const invalid = Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]).toString('base64');
    expect(read(invalid, { base64: true })).toEqual({ kind: 'badRequest', errors: [{ pointer: '/body', message: 'is not valid JSON' }] });
  });

  it('refuses a body over MAX_BODY_BYTES', () => {
    expect(read(JSON.stringify({ d: 'x'.repeat(MAX_BODY_BYTES) }))).toEqual({ kind: 'payloadTooLarge', errors: undefined });
  });

  it('refuses another media type', () => {
    expect(read('{}', { type: 'text/plain' })).toEqual({
      kind: 'unsupportedMediaType',
      errors: [{ pointer: '/headers/content-type', message: 'must be application/json' }],
    });
  });

  it('checks the media type before the size', () => {
    expect(read(JSON.stringify({ d: 'x'.repeat(MAX_BODY_BYTES) }), { type: 'text/plain' })).toMatchObject({ kind: 'unsupportedMediaType' });
  });
});
