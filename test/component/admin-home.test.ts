// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AdminMe } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { formatDateTime } from '../../miniprogram/utils/time';
import {
  cleanup,
  findByClass,
  renderPage,
  settle,
  stubCloud,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const ADMIN_HOME = 'admin/pages/home/index';
const OPENID = 'oMASH1234567890abcdefXYZ';

function me(overrides: Partial<AdminMe> = {}): Envelope<AdminMe> {
  return {
    ok: true,
    data: {
      openid: OPENID,
      appid: 'wx0000000000000000',
      isAdmin: true,
      role: 'admin',
      bootstrap: false,
      permissions: [],
      can: {} as AdminMe['can'],
      firstSeenAt: '2025-03-01T08:00:00.000Z',
      lastSeenAt: '2025-03-02T09:30:00.000Z',
      visits: 7,
      ...overrides,
    },
  };
}

const OPERATOR_AREAS = ['码包申请', '激活码段', '扫码数据', '红包活动', '渠道二维码'];

afterEach(cleanup);

describe('admin home', () => {
  test('asks the admin function who the caller is', async () => {
    const calls = stubCloud(() => me());
    await renderPage(ADMIN_HOME);
    expect(calls).toEqual([{ name: 'admin', data: { action: 'me' } }]);
  });

  test('an admin sees the masked openid, the 管理员 tag and the coming operator areas', async () => {
    stubCloud(() => me());
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);

    expect(text).toContain('当前身份');
    expect(findByClass(page, 'masked-openid').map((el) => el.textContent)).toEqual([
      'oMAS****fXYZ',
    ]);
    expect(text).not.toContain(OPENID);
    const tags = findByClass(page, 'van-tag');
    expect(tags.map((el) => el.textContent?.trim())).toEqual(['管理员']);
    expect(tags[0]?.classList.toString()).toMatch(/van-tag--success/);
    expect(text).toContain('7 次');
    expect(text).toContain(`首次 ${formatDateTime('2025-03-01T08:00:00.000Z')}`);
    expect(text).toContain(`最近 ${formatDateTime('2025-03-02T09:30:00.000Z')}`);

    const menuTitles = findByClass(page, 'van-cell__title')
      .map((el) => el.firstChild?.textContent?.trim())
      .filter((title) => title && OPERATOR_AREAS.includes(title));
    expect(menuTitles).toEqual(OPERATOR_AREAS);
    // Not links yet: each says so instead of leading nowhere.
    expect(findByClass(page, 'menu-cell--disabled')).toHaveLength(OPERATOR_AREAS.length);
    expect(text.match(/即将上线/g)).toHaveLength(OPERATOR_AREAS.length);
    expect(findByClass(page, 'van-cell--clickable')).toHaveLength(0);
    expect(text).not.toContain('你还不是管理员');
  });

  test('a non-admin sees 无权限 and how to get access, and no operator menu', async () => {
    stubCloud(() => me({ isAdmin: false }));
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);

    const tags = findByClass(page, 'van-tag');
    expect(tags.map((el) => el.textContent?.trim())).toEqual(['无权限']);
    expect(tags[0]?.classList.toString()).toMatch(/van-tag--danger/);
    expect(text).toContain('你还不是管理员，请联系品牌方开通');
    for (const area of OPERATOR_AREAS) expect(text).not.toContain(area);

    // The brand grants access by openid, so the full value goes to the clipboard (not the screen).
    await tapVanButton(page, '.copy-openid');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: OPENID }));
  });

  test('shows a loading state while the call is in flight', async () => {
    let answer: (reply: Envelope<AdminMe>) => void = () => {};
    stubCloud(() => new Promise((resolve) => (answer = resolve)));
    const page = await renderPage(ADMIN_HOME);

    expect(visibleText(page)).toContain('正在获取身份…');
    expect(findByClass(page, 'van-loading')).not.toHaveLength(0);

    answer(me());
    await settle();
    expect(visibleText(page)).toContain('管理员');
  });

  test('a failed envelope shows its Chinese message, the code and a retry that recovers', async () => {
    const replies: Envelope<AdminMe>[] = [
      { ok: false, error: { code: 'INTERNAL', message: '服务暂时不可用，请稍后重试' } },
      me(),
    ];
    const calls = stubCloud(() => replies.shift());
    const page = await renderPage(ADMIN_HOME);

    expect(visibleText(page)).toContain('服务暂时不可用，请稍后重试');
    expect(visibleText(page)).toContain('错误码 INTERNAL');
    expect(visibleText(page)).not.toContain('当前身份');

    await tapVanButton(page, '#load-state >>> .retry-button');
    expect(calls).toHaveLength(2);
    expect(visibleText(page)).toContain('当前身份');
    expect(visibleText(page)).not.toContain('服务暂时不可用');
  });

  test('a network failure becomes a Chinese error with retry', async () => {
    stubCloud(() => ({ throws: 'timeout' }));
    const page = await renderPage(ADMIN_HOME);
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试');
    expect(findByClass(page, 'retry-button')).toHaveLength(1);
  });

  test('a reply that is not an envelope is reported, not rendered', async () => {
    stubCloud(() => ({ openid: OPENID }));
    const page = await renderPage(ADMIN_HOME);
    expect(visibleText(page)).toContain('服务返回了无法识别的结果，请稍后重试');
    expect(visibleText(page)).toContain('错误码 BAD_REPLY');
  });
});
