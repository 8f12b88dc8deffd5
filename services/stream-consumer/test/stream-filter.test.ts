// The stream filter of serverless.yml (Lambda's event filtering, applied by the local
// event-source mapping's own implementation) lets through every change the consumer acts on,
// for every entity declared, and keeps away the activity entries it writes itself.
import { readFileSync } from 'node:fs';
import { ENTITIES, projectEntity } from '@app/data';
import { passesFilters, type FilterPattern } from '@app/local-streams';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { decodeRecord } from '../src/changes/decode.js';
import { planChange } from '../src/changes/plan.js';
import { streamRecord } from './stream-events.js';

const config = parse(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'));
const patterns: FilterPattern[] = config.functions.tableChanges.events[0].stream.filterPatterns;

const image = (entity: string) => ({
  pk: 'p',
  sk: 's',
  entity,
  tenantId: 't',
  projectId: 'p1',
  id: 'i1',
  status: 'open',
  title: 'x',
  name: 'x',
});
const records = (entity: string) =>
  [
    streamRecord('INSERT', { new: image(entity) }),
    streamRecord('MODIFY', { old: image(entity), new: { ...image(entity), title: 'y', name: 'y', deleted: 5 } }),
    streamRecord('REMOVE', { old: image(entity) }),
  ] as const;

/** Every change of a declared entity that the consumer acts on (plans an effect for). */
const consumed = Object.keys(ENTITIES).flatMap((entity) =>
  records(entity)
    .filter((record) => planChange(decodeRecord(record)).type !== 'none')
    .map((record) => [entity, record.eventName, record] as const),
);

describe("the consumer's stream filter", () => {
  it('is checked against the changes of the projects, their tasks and their cleanups at least', () => {
    expect(consumed.map(([entity]) => entity)).toEqual(expect.arrayContaining(['project', 'task', 'cleanup']));
  });

  it.each(consumed)('passes a change of a %s (%s) that the consumer acts on', (_entity, _kind, record) => {
    expect(passesFilters(patterns, record)).toBe(true);
  });

  it.each(['INSERT', 'MODIFY', 'REMOVE'] as const)('keeps away a %s of an activity entry', (kind) => {
    expect(
      passesFilters(
        patterns,
        records('activity').find((r) => r.eventName === kind),
      ),
    ).toBe(false);
  });

  it('keeps away items without an entity (idempotency records)', () => {
    const { entity: _none, ...record } = image(projectEntity.name);
    expect(passesFilters(patterns, streamRecord('INSERT', { new: record }))).toBe(false);
  });
});
