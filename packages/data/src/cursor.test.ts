import { describe, expect, it } from '@jest/globals';
import { createCursorCodec } from './cursor.js';
import { InvalidCursorError } from './errors.js';

const codec = createCursorCodec('a-secret-of-sufficient-length');
const expected = { attributes: ['pk', 'sk'], fixed: { pk: 'ORG#o1' } } as const;
const key = { pk: 'ORG#o1', sk: 'TEAM#0001' };

describe('cursor codec', () => {
  it('round-trips a key for the same list', () => {
    const cursor = codec.encode('projects', key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor, 'projects', expected)).toEqual(key);
  });

  it('rejects a cursor whose payload was edited', () => {
    const [payload, signature] = codec.encode('projects', key).split('.');
    const edited = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('TEAM#0001', 'TEAM#0002')).toString('base64url');
    expect(() => codec.decode(`${edited}.${signature}`, 'projects', expected)).toThrow(InvalidCursorError);
  });

  it('rejects a cursor signed with another secret', () => {
    const foreign = createCursorCodec('another-secret-of-sufficient-length').encode('projects', key);
    expect(() => codec.decode(foreign, 'projects', expected)).toThrow(/bad signature/);
  });

  it('rejects a cursor issued for another list or another partition', () => {
    expect(() => codec.decode(codec.encode('tasks', key), 'projects', expected)).toThrow(/another list/);
    const otherTenant = codec.encode('projects', { pk: 'ORG#o2', sk: 'TEAM#0001' });
    expect(() => codec.decode(otherTenant, 'projects', expected)).toThrow(/another list/);
  });

  it('rejects keys with unexpected attributes even when signed', () => {
    const extra = codec.encode('projects', { ...key, gsi1pk: 'x' });
    expect(() => codec.decode(extra, 'projects', expected)).toThrow(/malformed/);
  });

  it.each(['', '.', 'abc', 'a.b.c', '%%%.***', 'x'.repeat(3000), `${'a'.repeat(10)}.`])('rejects garbage %#', (cursor) => {
    expect(() => codec.decode(cursor, 'projects', expected)).toThrow(InvalidCursorError);
  });

  it('refuses a short secret', () => {
    expect(() => createCursorCodec('short')).toThrow(/16/);
  });
});
