// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  cleanup,
  dispatchIn,
  findAll,
  findByClass,
  renderComponent,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const FOLLOW = 'components/follow-card/index';
const SETTINGS = {
  enabled: true,
  officialAccountName: '西湖茶社',
  hint: '关注公众号，领取冲泡指南',
};

afterEach(() => {
  vi.restoreAllMocks();
  cleanup();
});

describe('follow card', () => {
  test('shows WeChat’s <official-account> where the scene allows it', async () => {
    const page = await renderComponent(FOLLOW, { settings: SETTINGS, officialAccount: true });
    expect(findAll(page, 'wx-official-account')).toHaveLength(1);
    expect(findByClass(page, 'follow__fallback')).toHaveLength(0);
  });

  test('binderror swaps in the fallback card with the account name and hint', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const page = await renderComponent(FOLLOW, { settings: SETTINGS, officialAccount: true });
    await dispatchIn(page, '.follow__official-account', 'error', {
      status: 4,
      errMsg: 'official-account:fail',
    });

    expect(findAll(page, 'wx-official-account')).toHaveLength(0);
    const text = visibleText(page);
    expect(text).toContain('关注「西湖茶社」');
    expect(text).toContain('关注公众号，领取冲泡指南');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('status 4'));
  });

  test('other scenes get the fallback card straight away; 复制名称 copies the account name', async () => {
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderComponent(FOLLOW, { settings: SETTINGS, officialAccount: false });
    expect(findAll(page, 'wx-official-account')).toHaveLength(0);
    expect(visibleText(page)).toContain('关注「西湖茶社」');

    await tapVanButton(page, '.follow__copy');
    expect(setClipboardData).toHaveBeenCalledWith({ data: '西湖茶社' });
  });

  test('without a name or hint the fallback still reads well, with nothing to copy', async () => {
    const page = await renderComponent(FOLLOW, { settings: { enabled: true } });
    expect(visibleText(page)).toBe('关注品牌公众号 关注品牌公众号，获取正品保障与新品活动');
    expect(findByClass(page, 'van-button')).toHaveLength(0);
  });

  test('renders nothing when the brand turned the card off', async () => {
    const page = await renderComponent(FOLLOW, {
      settings: { ...SETTINGS, enabled: false },
      officialAccount: true,
    });
    expect(visibleText(page)).toBe('');
    expect(findAll(page, 'wx-official-account')).toHaveLength(0);
  });
});
