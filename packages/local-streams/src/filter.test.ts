import { describe, expect, it } from '@jest/globals';
import { passesFilters, type FilterPattern } from './filter.js';

const record = (eventName: string, newImage?: object, oldImage?: object) => ({
  eventName,
  dynamodb: { ...(newImage ? { NewImage: newImage } : {}), ...(oldImage ? { OldImage: oldImage } : {}), SizeBytes: 120 },
});

// The consumer's own patterns (services/stream-consumer/serverless.yml)
const consumer: FilterPattern[] = [
  { dynamodb: { NewImage: { entity: { S: ['task', 'project', 'cleanup'] } } } },
  { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['task', 'project'] } } } },
];

describe('passesFilters', () => {
  it("passes the consumer's entities and drops its own activity entries", () => {
    expect(passesFilters(consumer, record('INSERT', { entity: { S: 'task' } }))).toBe(true);
    expect(passesFilters(consumer, record('MODIFY', { entity: { S: 'cleanup' } }))).toBe(true);
    expect(passesFilters(consumer, record('REMOVE', undefined, { entity: { S: 'project' } }))).toBe(true);
    expect(passesFilters(consumer, record('INSERT', { entity: { S: 'activity' } }))).toBe(false);
    expect(passesFilters(consumer, record('REMOVE', undefined, { entity: { S: 'cleanup' } }))).toBe(false);
    expect(passesFilters(consumer, record('INSERT', { other: { S: 'task' } }))).toBe(false);
  });

  it('passes everything without patterns', () => {
    expect(passesFilters([], record('INSERT'))).toBe(true);
  });

  it.each([
    [{ eventName: [{ prefix: 'INS' }] }, true],
    [{ eventName: [{ suffix: 'ERT' }] }, true],
    [{ eventName: [{ 'anything-but': ['INSERT'] }] }, false],
    [{ eventName: [{ 'anything-but': 'REMOVE' }] }, true],
    [{ eventName: [{ 'equals-ignore-case': 'insert' }] }, true],
    [{ dynamodb: { SizeBytes: [{ numeric: ['>', 100, '<=', 120] }] } }, true],
    [{ dynamodb: { SizeBytes: [{ numeric: ['<', 100] }] } }, false],
    [{ dynamodb: { NewImage: { entity: { S: [{ exists: true }] } } } }, true],
    [{ dynamodb: { OldImage: [{ exists: false }] } }, true],
    [{ dynamodb: { OldImage: [{ exists: true }] } }, false],
  ] as [FilterPattern, boolean][])('applies %j', (pattern, expected) => {
    expect(passesFilters([pattern], record('INSERT', { entity: { S: 'task' } }))).toBe(expected);
  });
});
