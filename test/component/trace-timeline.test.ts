// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { cleanup, findByClass, renderComponent, stubWx, visibleText } from './harness';
import { TRACE } from './landing-fixtures';

const TIMELINE = 'components/trace-timeline/index';

afterEach(cleanup);

describe('trace timeline', () => {
  test('lists every step in order with its date, place, operator and note', async () => {
    const page = await renderComponent(TIMELINE, { steps: TRACE });
    expect(findByClass(page, 'trace__name').map((el) => el.textContent)).toEqual([
      '原料采摘',
      '炒制加工',
      '质检出厂',
    ]);
    // A day-only time shows the day; a recorded clock time shows the minute (China time).
    expect(findByClass(page, 'trace__time').map((el) => el.textContent)).toEqual([
      '2025年3月20日',
      '2025年3月21日 09:30',
      '2025年3月25日',
    ]);
    expect(findByClass(page, 'trace__where').map((el) => el.textContent)).toEqual([
      '杭州市西湖区龙井村',
      '西湖茶社加工厂 · 王师傅',
      '质检员 李',
    ]);
    expect(findByClass(page, 'trace__note').map((el) => el.textContent)).toEqual([
      '手工炒制，四道工序',
    ]);
  });

  test('marks the latest step and draws the line between steps only', async () => {
    const page = await renderComponent(TIMELINE, { steps: TRACE });
    const steps = findByClass(page, 'trace__step');
    expect(steps).toHaveLength(3);
    expect(findByClass(page, 'trace__step--latest')).toEqual([steps[2]]);
    expect(findByClass(page, 'trace__line')).toHaveLength(2);
  });

  test('a step photo opens full screen among that step’s photos', async () => {
    const previewImage = vi.fn();
    stubWx({ previewImage });
    const page = await renderComponent(TIMELINE, { steps: TRACE });
    expect(findByClass(page, 'trace__image')).toHaveLength(1);
    (page as any).querySelector('.trace__image').dispatchEvent('tap');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(previewImage).toHaveBeenCalledWith({
      urls: ['https://img.example.com/roast.jpg'],
      current: 'https://img.example.com/roast.jpg',
    });
  });

  test('repeated step names still render as separate steps', async () => {
    const page = await renderComponent(TIMELINE, {
      steps: [{ name: '物流' }, { name: '物流', place: '杭州转运中心' }],
    });
    expect(findByClass(page, 'trace__name')).toHaveLength(2);
    expect(findByClass(page, 'trace__time')).toHaveLength(0);
  });

  test('says so when there is no step yet', async () => {
    const page = await renderComponent(TIMELINE, { steps: [] });
    expect(visibleText(page)).toBe('溯源信息暂无溯源记录');
  });
});
