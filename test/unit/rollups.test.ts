/**
 * The rollup rules (domain/rollups.ts): China-time buckets, field-safe keys, how a user's
 * marks after a scan tell which buckets it was their first in, and when a fold of hours by key
 * still holds everything its shards counted.
 */
import { describe, expect, it } from 'vitest';
import {
  bucketStarts,
  dayLabel,
  dayStartOf,
  fieldKey,
  hourLabel,
  isFoldCurrent,
  keyOfField,
  markIncrements,
  markTags,
  nest,
  readMarks,
  scanIncrements,
  shardOf,
  splitIncrements,
  writesByHour,
  ROLLUP_SHARDS,
} from '../../cloudfunctions/core/domain/rollups';

const keys = { product: 'p1', range: '123:1', campaign: 'c1', province: '广东省' };

/** Applies increments to a mark document in memory, as the database's `_.inc` would. */
function apply(doc: Record<string, unknown>, increments: Record<string, number>) {
  for (const [path, by] of Object.entries(increments)) {
    const parts = path.split('.');
    let at = doc as Record<string, any>;
    for (const part of parts.slice(0, -1)) at = at[part] ??= {};
    at[parts.at(-1)!] = (at[parts.at(-1)!] ?? 0) + by;
  }
  return doc;
}

describe('rollup buckets and keys', () => {
  it('buckets in China time', () => {
    // 2025-03-31 23:30 in Shanghai is 15:30 UTC.
    const at = Date.parse('2025-03-31T15:30:00Z');
    expect(dayLabel(at)).toBe('20250331');
    expect(hourLabel(at)).toBe('23');
    expect(dayStartOf('20250331')).toBe(Date.parse('2025-03-30T16:00:00Z'));
    expect(dayLabel(at + 3_600_000)).toBe('20250401');
    expect(hourLabel(at + 3_600_000)).toBe('00');
    expect(
      bucketStarts(
        Date.parse('2025-03-31T15:10:00Z'),
        Date.parse('2025-03-31T17:00:00Z'),
        3_600_000,
      ),
    ).toEqual([Date.parse('2025-03-31T15:00:00Z'), Date.parse('2025-03-31T16:00:00Z')]);
  });

  it('keeps keys safe as field names and reads them back', () => {
    for (const key of ['a.b', '$x', '100%', 'plain', '广东省'])
      expect(keyOfField(fieldKey(key))).toBe(key);
    expect(fieldKey('a.b$c%')).not.toMatch(/[.$]/);
  });

  it('spreads ids over every shard', () => {
    const used = new Set(Array.from({ length: 2000 }, (_, i) => shardOf(`scan-${i}`)));
    expect(used.size).toBe(ROLLUP_SHARDS);
  });
});

describe('marks: a user first in a bucket exactly once', () => {
  const scanOf = (code: string, hour = '10') => ({
    day: '20250331',
    tags: markTags(hour, keys),
    productId: 'p1',
    code,
  });

  it('counts the first scan of the day as first everywhere, a second as first nowhere', () => {
    const first = scanOf('CODE1');
    const doc = nest(markIncrements(first));
    const one = readMarks(doc, first);
    expect(one.firstIn.size).toBe(first.tags.length);
    expect(one.loyalty).toEqual({
      productId: 'p1',
      newScanner: true,
      repeat: false,
      repurchase: false,
    });

    const second = scanOf('CODE1');
    const two = readMarks(apply(doc, markIncrements(second)), second);
    expect(two.firstIn.size).toBe(0);
    expect(two.loyalty).toEqual({
      productId: 'p1',
      newScanner: false,
      repeat: true,
      repurchase: false,
    });

    // Another hour, another code: first in that hour's buckets only; a second code: repurchase.
    const third = scanOf('CODE2', '11');
    const three = readMarks(apply(doc, markIncrements(third)), third);
    expect([...three.firstIn].every((tag) => tag.startsWith('h11'))).toBe(true);
    expect(three.firstIn.size).toBe(5);
    expect(three.loyalty).toMatchObject({ repeat: false, repurchase: true });

    const rollup = scanIncrements({ ...three, hour: '11', keys, firstScan: false });
    expect(rollup).toMatchObject({ 'd.t.s': 1, 'h.11.t.s': 1, 'h.11.t.u': 1, 'd.loyal.p1.p': 1 });
    expect(rollup['d.t.u']).toBeUndefined();
    expect(rollup['h.11.province.广东省.u']).toBe(1);
  });
});

describe('folds of hours by key', () => {
  const scanAt = (hour: string) =>
    splitIncrements(scanIncrements({ hour, keys, firstIn: new Set(), firstScan: false })).hours;

  it("counts each write in its shard's hour", () => {
    const shard3 = apply(apply({ shard: 3 }, scanAt('10')), scanAt('10'));
    const shard7 = apply({ shard: 7 }, scanAt('11'));
    expect(shard3).toMatchObject({ n: { '10': 2 } });
    expect(writesByHour([shard3, shard7, { shard: 9 }])).toEqual({
      '10': { '3': 2 },
      '11': { '7': 1 },
    });
  });

  it('trusts a fold only while every shard has the writes it was summed at', () => {
    const summedAt = { '3': 2, '7': 1 };
    expect(isFoldCurrent(summedAt, { '3': 2, '7': 1 })).toBe(true);
    expect(isFoldCurrent(summedAt, { '3': 3, '7': 1 })).toBe(false);
    // A shard the fold never saw has written since.
    expect(isFoldCurrent(summedAt, { '3': 2, '7': 1, '12': 1 })).toBe(false);
    // A shard's counts gone (its document replaced).
    expect(isFoldCurrent(summedAt, { '3': 2 })).toBe(false);
    expect(isFoldCurrent(undefined, { '3': 2 })).toBe(false);
  });
});
