// The capacity model: write units of a table and its indexes, read units, and how they are reported.
import { describe, expect, it } from '@jest/globals';
import type { Item, TableRecord } from '../dynalite.js';
import { chargesOf, failedConditionCharges, readUnits, reportCapacity, writeCharges } from './capacity.js';

const S = (value: string) => ({ S: value });
const KB = 1024;

/** pk/sk, a GSI on g (ALL), a GSI on h projecting keys only, an LSI on sk2 (ALL). */
const table = {
  TableName: 'items',
  TableId: 'id',
  TableArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/items',
  TableStatus: 'ACTIVE',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  AttributeDefinitions: [],
  GlobalSecondaryIndexes: [
    { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
    { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'bySk2',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk2', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
} as unknown as TableRecord;

const key = { pk: S('p'), sk: S('s') };
const item = (attributes: Record<string, unknown> = {}): Item => ({ ...key, ...attributes }) as Item;
/** An item of `bytes` in all (names and values). */
const sized = (bytes: number, attributes: Record<string, unknown> = {}): Item => {
  const base = item(attributes);
  const used = Object.entries(base).reduce((sum, [name, value]) => sum + name.length + ((value as { S?: string }).S?.length ?? 0), 0);
  return { ...base, x: S('y'.repeat(bytes - used - 1)) };
};

describe('writeCharges', () => {
  it.each([
    ['a new item of 1.5 KB', undefined, sized(1.5 * KB), 2],
    ['a replaced item: the larger of before and after', sized(3 * KB), sized(1 * KB), 3],
    ['a deleted item of 2.5 KB', sized(2.5 * KB), undefined, 3],
    ['a delete of an item that does not exist', undefined, undefined, 1],
  ])('charges the table for %s', (_name, oldItem, newItem, units) => {
    // Act
    const charges = writeCharges({ table, key, oldItem, newItem });

    // Assess
    expect(charges).toEqual([{ units, partitionKey: S('p') }]);
  });

  it('doubles the table write of a transaction', () => {
    // Act
    const [tableCharge] = writeCharges({ table, key, newItem: sized(2 * KB), transactional: true });

    // Assess
    expect(tableCharge).toEqual({ units: 4, partitionKey: S('p') });
  });

  it.each([
    ['enters the index: one put, at the new index key', item(), item({ g: S('a') }), [{ units: 1, partitionKey: S('a') }]],
    ['leaves the index: one delete, at the old index key', item({ g: S('a') }), item(), [{ units: 1, partitionKey: S('a') }]],
    [
      'changes the index key: a delete and a put',
      item({ g: S('a') }),
      item({ g: S('b') }),
      [
        { units: 1, partitionKey: S('a') },
        { units: 1, partitionKey: S('b') },
      ],
    ],
    [
      'changes a projected attribute only: one write',
      item({ g: S('a'), n: S('1') }),
      item({ g: S('a'), n: S('2') }),
      [{ units: 1, partitionKey: S('a') }],
    ],
    ['changes nothing the index holds: nothing', item({ g: S('a') }), item({ g: S('a') }), []],
    ['is in the index neither before nor after: nothing', item(), item({ n: S('1') }), []],
  ])('charges a GSI (ALL) for a write that %s', (_name, oldItem, newItem, expected) => {
    // Act
    const charges = writeCharges({ table, key, oldItem, newItem }).filter((charge) => charge.index?.name === 'byG');

    // Assess
    expect(charges).toEqual(expected.map((charge) => ({ ...charge, index: { name: 'byG', local: false } })));
  });

  it('charges nothing to a KEYS_ONLY index for a change of an attribute it does not project', () => {
    // Act
    const charges = writeCharges({ table, key, oldItem: item({ h: S('a'), n: S('1') }), newItem: item({ h: S('a'), n: S('2') }) });

    // Assess
    expect(charges.filter((charge) => charge.index?.name === 'byH')).toEqual([]);
  });

  it('sizes an index write by the index entry, not the item', () => {
    // Act: a 3 KB item whose KEYS_ONLY entry is a few bytes
    const charges = writeCharges({ table, key, newItem: sized(3 * KB, { h: S('a') }) });

    // Assess
    expect(charges.find((charge) => charge.index?.name === 'byH')).toEqual({
      units: 1,
      index: { name: 'byH', local: false },
      partitionKey: S('a'),
    });
  });

  it('charges a local index in the partition of the table', () => {
    // Act
    const charges = writeCharges({ table, key, newItem: item({ sk2: S('a') }) });

    // Assess
    expect(charges.find((charge) => charge.index?.local)).toEqual({
      units: 1,
      index: { name: 'bySk2', local: true },
      partitionKey: S('p'),
    });
  });
});

describe('failedConditionCharges', () => {
  it('charges the larger of the existing item and the one attempted', () => {
    // Act
    const charges = failedConditionCharges({ table, key, existing: sized(1 * KB), newItem: sized(2.5 * KB) });

    // Assess
    expect(charges).toEqual([{ units: 3, partitionKey: S('p') }]);
  });
});

describe('readUnits', () => {
  it.each([
    ['a 3.5 KB item, strongly consistent', sized(3.5 * KB), true, 1],
    ['a 10 KB item, strongly consistent', sized(10 * KB), true, 3],
    ['a 10 KB item, eventually consistent', sized(10 * KB), false, 1.5],
    ['an item that does not exist, eventually consistent', undefined, false, 0.5],
  ])('reads %s in 4 KB units', (_name, read, consistent, units) => {
    // Act
    const result = readUnits(read, consistent);

    // Assess
    expect(result).toBe(units);
  });
});

describe('reportCapacity', () => {
  const charges = [
    { units: 2, partitionKey: S('p') },
    { units: 1, index: { name: 'byG', local: false }, partitionKey: S('a') },
    { units: 1, index: { name: 'byG', local: false }, partitionKey: S('b') },
    { units: 1, index: { name: 'bySk2', local: true }, partitionKey: S('p') },
  ];

  it.each([
    ['NONE', undefined],
    ['TOTAL', { TableName: 'items', CapacityUnits: 5 }],
    [
      'INDEXES',
      {
        TableName: 'items',
        CapacityUnits: 5,
        Table: { CapacityUnits: 2 },
        GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } },
        LocalSecondaryIndexes: { bySk2: { CapacityUnits: 1 } },
      },
    ],
  ])('reports %s as DynamoDB shapes it', (requested, expected) => {
    // Act
    const reported = reportCapacity('items', charges, requested);

    // Assess
    expect(reported).toEqual(expected);
  });

  it('reads back the charges of a reported capacity', () => {
    // Act
    const read = chargesOf(
      { CapacityUnits: 3, Table: { CapacityUnits: 1 }, GlobalSecondaryIndexes: { byG: { CapacityUnits: 2 } } },
      S('a'),
    );

    // Assess
    expect(read).toEqual([
      { units: 1, partitionKey: S('a') },
      { units: 2, index: { name: 'byG', local: false }, partitionKey: S('a') },
    ]);
  });
});
