// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { VerdictKind } from '../../typings/scan';
import { cleanup, findByClass, renderComponent, visibleText } from './harness';
import { verdict } from './landing-fixtures';

const BADGE = 'components/verdict-badge/index';

function toneOf(page: Awaited<ReturnType<typeof renderComponent>>): string {
  const root = findByClass(page, 'verdict')[0];
  const tone = Array.from(root?.classList ?? []).find((token) => /verdict--[a-z]+$/.test(token));
  return tone?.replace(/^.*verdict--/, '') ?? '';
}

beforeEach(() => {
  // Only Date is faked: simulate's own timers must keep running.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2025-04-04T10:00:00+08:00'));
});

afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

describe('verdict badge', () => {
  test.each<[VerdictKind, string, string]>([
    ['GENUINE_FIRST', 'genuine', '正品验证通过'],
    ['GENUINE_REPEAT', 'repeat', '正品验证通过'],
    ['SUSPICIOUS', 'risk', '疑似风险码'],
    ['NOT_ACTIVATED', 'inactive', '防伪码未激活'],
    ['INVALID', 'invalid', '未查到此防伪码'],
  ])('%s is coloured %s and titled %s', async (kind, tone, title) => {
    const page = await renderComponent(BADGE, { verdict: verdict(kind) });
    expect(toneOf(page)).toBe(tone);
    expect(findByClass(page, 'verdict__title').map((el) => el.textContent)).toEqual([title]);
    // vant's icon really rendered inside the badge.
    expect(findByClass(page, 'van-icon')).toHaveLength(1);
  });

  test('a first scan tells the consumer they are the first', async () => {
    const page = await renderComponent(BADGE, { verdict: verdict('GENUINE_FIRST') });
    const text = visibleText(page);
    expect(text).toContain('你是第一位扫码者');
    expect(text).toContain('此码为首次查询');
    expect(text).not.toContain('累计查询');
  });

  test('a repeat shows the count, scanners, first scan time (zh-cn, relative) and place', async () => {
    const page = await renderComponent(BADGE, { verdict: verdict('GENUINE_REPEAT') });
    expect(findByClass(page, 'verdict__fact').map((el) => el.textContent)).toEqual([
      '累计查询 3 次',
      '共 2 人查询过',
      '首次查询 4月1日 10:30（2 天前）',
      '首次查询地 上海市浦东新区',
    ]);
    expect(visibleText(page)).toContain('此码已被查询 3 次');
    expect(visibleText(page)).toContain('如果首次查询不是你本人');
  });

  test('a repeat by the first scanner themself reassures instead of warning', async () => {
    const page = await renderComponent(BADGE, {
      verdict: verdict('GENUINE_REPEAT', { firstScanByCaller: true, distinctScanners: 1 }),
    });
    const text = visibleText(page);
    expect(text).toContain('你之前查询过此码');
    expect(text).toContain('首次查询由你本人完成');
    expect(text).not.toContain('人查询过');
  });

  test.each([
    ['2025-04-04T09:59:30+08:00', '首次查询 4月4日 09:59（刚刚）'],
    ['2025-04-04T09:35:00+08:00', '首次查询 4月4日 09:35（25 分钟前）'],
    ['2025-04-04T07:00:00+08:00', '首次查询 4月4日 07:00（3 小时前）'],
    ['2025-04-03T09:00:00+08:00', '首次查询 4月3日 09:00（1 天前）'],
    // Past a week the date alone says more than "n 天前".
    ['2025-03-01T08:05:00+08:00', '首次查询 3月1日 08:05'],
    ['2024-12-31T20:00:00+08:00', '首次查询 2024年12月31日 20:00'],
  ])('first scan at %s reads %s', async (firstScannedAt, line) => {
    const page = await renderComponent(BADGE, {
      verdict: verdict('GENUINE_REPEAT', { firstScannedAt }),
    });
    expect(findByClass(page, 'verdict__fact').map((el) => el.textContent)).toContain(line);
  });

  test('suspicious lists each reason in Chinese', async () => {
    const page = await renderComponent(BADGE, {
      verdict: verdict('SUSPICIOUS', {
        reasons: ['TOO_MANY_SCANS', 'TOO_MANY_SCANNERS', 'TOO_MANY_PLACES'],
      }),
    });
    expect(findByClass(page, 'verdict__reason').map((el) => el.textContent)).toEqual([
      '短时间内被查询次数过多',
      '被多位不同的用户查询',
      '在多个不同地点被查询',
    ]);
    expect(visibleText(page)).toContain('累计查询 42 次');
    expect(visibleText(page)).toContain('建议通过品牌官方渠道核实');
  });

  test('not activated and invalid explain what to do, with no figures', async () => {
    const inactive = await renderComponent(BADGE, { verdict: verdict('NOT_ACTIVATED') });
    expect(visibleText(inactive)).toContain('此码尚未激活');
    expect(visibleText(inactive)).toContain('请向购买渠道或品牌方核实');
    expect(findByClass(inactive, 'verdict__fact')).toHaveLength(0);

    const invalid = await renderComponent(BADGE, { verdict: verdict('INVALID') });
    expect(visibleText(invalid)).toContain('此码不在品牌登记范围内');
    expect(visibleText(invalid)).toContain('谨防假冒');
  });

  test('renders nothing without a verdict', async () => {
    const page = await renderComponent(BADGE);
    expect(visibleText(page)).toBe('');
  });
});
