/** The origin trace a code shows (core/domain/trace.ts): template, range overrides, additions. */
import { describe, expect, it } from 'vitest';
import { isCloudFileId, mergeTrace } from '../../cloudfunctions/core/domain/trace';

const template = [
  { name: '水源地', place: '长白山', images: ['cloud://env/spring.png'] },
  { name: '灌装', time: '2025-03-03', place: '一厂', note: '无菌灌装' },
  { name: '物流', place: '上海' },
];

describe('mergeTrace', () => {
  it('is the template when the range has no steps of its own', () => {
    expect(mergeTrace(template)).toEqual(template);
    expect(mergeTrace(template, [])).toEqual(template);
  });

  it('lays a same-named range step over the template step, keeping fields it does not set', () => {
    const merged = mergeTrace(template, [
      { name: '灌装', time: '2025-03-05T08:00:00+08:00', note: '批次 B' },
    ]);
    expect(merged[1]).toEqual({
      name: '灌装',
      time: '2025-03-05T08:00:00+08:00',
      place: '一厂',
      note: '批次 B',
    });
    expect(merged).toHaveLength(3);
  });

  it('adds other range steps after the template, in their order', () => {
    const merged = mergeTrace(template, [
      { name: '门店' },
      { name: '灌装', note: 'x' },
      { name: '售出' },
    ]);
    expect(merged.map((step) => step.name)).toEqual(['水源地', '灌装', '物流', '门店', '售出']);
  });

  it('never changes its inputs', () => {
    const before = JSON.stringify(template);
    mergeTrace(template, [{ name: '灌装', note: 'x' }]);
    expect(JSON.stringify(template)).toBe(before);
  });
});

describe('isCloudFileId', () => {
  it('tells cloud file IDs from https URLs', () => {
    expect(isCloudFileId('cloud://env-1.abcd/a.png')).toBe(true);
    expect(isCloudFileId('https://example.com/a.png')).toBe(false);
  });
});
