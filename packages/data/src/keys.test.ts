import { describe, expect, it } from '@jest/globals';
import { attr, composeKey, keyPattern, keyPrefix, label } from './keys.js';

// A template of the test's own: these tests are about composing keys, not about any entity's.
const template = [label('ORG'), attr('orgId'), label('TEAM'), attr('teamId')] as const;

describe('composeKey', () => {
  it('joins labels and attribute values in template order', () => {
    expect(composeKey(template, { orgId: 'o1', teamId: 't1' })).toBe('ORG#o1#TEAM#t1');
  });

  it('encodes values so that a value holding # cannot fake another partition', () => {
    // Prepare: an org id crafted to look like org "a" plus a team segment
    const crafted = composeKey(template, { orgId: 'a#TEAM#x', teamId: 't' });

    // Assess
    expect(crafted).toBe('ORG#a%23TEAM%23x#TEAM#t');
    expect(crafted.startsWith(composeKey(template, { orgId: 'a', teamId: 'x' }))).toBe(false);
  });

  it.each([
    ['empty', { orgId: 'o1', teamId: '' }],
    ['missing', { orgId: 'o1' } as { orgId: string; teamId: string }],
  ])('refuses an %s attribute instead of writing a short key', (_label, values) => {
    expect(() => composeKey(template, values)).toThrow(/teamId/);
  });
});

describe('keyPrefix', () => {
  it('gives the constant prefix of a key, up to its first attribute', () => {
    expect(keyPrefix(template)).toBe('ORG#');
  });
});

describe('keyPattern', () => {
  it('puts a wildcard for each attribute, as an IAM LeadingKeys condition spells a partition', () => {
    expect(keyPattern([label('ORG'), attr('orgId'), label('AUDIT')])).toBe('ORG#*#AUDIT');
  });
});
