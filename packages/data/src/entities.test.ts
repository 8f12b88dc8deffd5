import { describe, expect, it } from '@jest/globals';
import { composeKey, keyPrefix, projectEntity, taskEntity } from './entities.js';

describe('composeKey', () => {
  it('joins labels and attribute values in template order', () => {
    expect(composeKey(taskEntity.keys.pk, { tenantId: 't1', projectId: 'p1' })).toBe('TENANT#t1#PROJECT#p1');
    expect(composeKey(taskEntity.keys.gsi1pk, { tenantId: 't1', projectId: 'p1', status: 'done' })).toBe(
      'TENANT#t1#PROJECT#p1#STATUS#done',
    );
  });

  it('encodes values so that a value holding # cannot fake another partition', () => {
    // Prepare: a tenant id crafted to look like tenant "a" plus a project segment
    const crafted = composeKey(projectEntity.keys.pk, { tenantId: 'a#PROJECT#x' });
    // Assess
    expect(crafted).toBe('TENANT#a%23PROJECT%23x');
    expect(crafted.startsWith(composeKey(projectEntity.keys.pk, { tenantId: 'a' }) + '#')).toBe(false);
  });

  it('refuses a missing or empty attribute instead of writing a short key', () => {
    expect(() => composeKey(projectEntity.keys.sk, { projectId: '' })).toThrow(/projectId/);
    expect(() => composeKey(projectEntity.keys.sk, {} as { projectId: string })).toThrow(/projectId/);
  });

  it('gives the constant prefix of a sort key', () => {
    expect(keyPrefix(projectEntity.keys.sk)).toBe('PROJECT#');
    expect(keyPrefix(taskEntity.keys.sk)).toBe('TASK#');
  });
});
