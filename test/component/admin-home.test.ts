// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AdminMe } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { ADMIN_OPENID, meAs } from './admin-fixtures';
import { formatDateTime } from '../../miniprogram/utils/time';
import {
  callPageMethod,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubCloud,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const ADMIN_HOME = 'admin/pages/home/index';
const OPENID = ADMIN_OPENID;

function me(overrides: Partial<AdminMe> = {}): Envelope<AdminMe> {
  return meAs('admin', overrides);
}

/** Areas without a page yet: still listed, each reading 即将上线. */
const OPERATOR_AREAS = ['扫码数据', '红包活动', '渠道二维码'];

function menuTitles(page: Awaited<ReturnType<typeof renderPage>>): string[] {
  return findByClass(page, 'van-cell__title')
    .map((el) => el.firstChild?.textContent?.trim() ?? '')
    .filter((title) =>
      [...OPERATOR_AREAS, '码包申请', '激活码段', '发放记录', '成员'].includes(title),
    );
}

afterEach(cleanup);

describe('admin home', () => {
  test('asks the admin function who the caller is', async () => {
    const calls = stubCloud(() => me());
    await renderPage(ADMIN_HOME);
    expect(calls).toEqual([{ name: 'admin', data: { action: 'me' } }]);
  });

  test('an admin sees the masked openid, the 管理员 tag and every shortcut, 成员 open', async () => {
    stubCloud(() => me());
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
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

    expect(menuTitles(page)).toEqual([
      '码包申请',
      '激活码段',
      '扫码数据',
      '红包活动',
      '发放记录',
      '渠道二维码',
      '成员',
    ]);
    // Areas without a page say so instead of leading nowhere; 码包, 发放记录 and 成员 have pages.
    expect(findByClass(page, 'menu-cell--disabled')).toHaveLength(OPERATOR_AREAS.length);
    expect(text.match(/即将上线/g)).toHaveLength(OPERATOR_AREAS.length);
    expect(findByClass(page, 'van-cell--clickable')).toHaveLength(4);
    expect(text).not.toContain('你还不是成员');

    await dispatchIn(page, '#menu-members', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/members/index' });
    await dispatchIn(page, '#menu-payouts', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/payouts/index' });
    await dispatchIn(page, '#menu-code-ranges', 'click');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/admin/pages/codes/index' });
  });

  test.each([
    [
      'operator',
      '运营',
      'van-tag--primary',
      ['码包申请', '激活码段', '扫码数据', '红包活动', '发放记录', '渠道二维码'],
    ],
    [
      'marketer',
      '营销',
      'van-tag--warning',
      ['码包申请', '扫码数据', '红包活动', '发放记录', '渠道二维码'],
    ],
    [
      'viewer',
      '只读成员',
      'van-tag--default',
      ['码包申请', '扫码数据', '红包活动', '发放记录', '渠道二维码'],
    ],
  ] as const)(
    'a %s sees its role and only the shortcuts its role allows',
    async (role, label, tagClass, areas) => {
      stubCloud(() => meAs(role));
      const page = await renderPage(ADMIN_HOME);

      const tags = findByClass(page, 'van-tag');
      expect(tags.map((el) => el.textContent?.trim())).toEqual([label]);
      expect(tags[0]?.classList.toString()).toContain(tagClass);
      expect(menuTitles(page)).toEqual(areas);
      expect(visibleText(page)).not.toContain('成员与角色');
    },
  );

  test('pull to refresh asks who the caller is again and shows a role granted meanwhile', async () => {
    const replies = [meAs('viewer'), meAs('admin')];
    const calls = stubCloud(() => replies.shift());
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(ADMIN_HOME);
    expect(menuTitles(page)).not.toContain('成员');

    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(calls).toHaveLength(2);
    expect(menuTitles(page)).toContain('成员');
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('a non-member sees 无权限 and how to get access, and no operator menu', async () => {
    stubCloud(() => meAs(null));
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);

    const tags = findByClass(page, 'van-tag');
    expect(tags.map((el) => el.textContent?.trim())).toEqual(['无权限']);
    expect(tags[0]?.classList.toString()).toMatch(/van-tag--danger/);
    expect(text).toContain('你还不是成员，请联系品牌管理员邀请你加入');
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
