// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { AdminMe, DashboardFigures, MemberRole } from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { DASHBOARD_ERROR_COPY } from '../../miniprogram/admin/pages/home/present';
import { ADMIN_OPENID, fail, meAs, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
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
  textsOf,
  visibleText,
} from './harness';

const ADMIN_HOME = 'admin/pages/home/index';
const OPENID = ADMIN_OPENID;

function me(overrides: Partial<AdminMe> = {}): Envelope<AdminMe> {
  return meAs('admin', overrides);
}

const FIGURES: DashboardFigures = {
  day: '2025-03-03',
  scans: 12_345,
  firstScans: 678,
  rewardsClaimed: 90,
  rewardsPaid: 88,
  runningCampaigns: 2,
  budgetLeftFen: 123_456_78,
  flaggedPayouts: 3,
  asOf: '2025-03-03T02:30:00.000Z',
};

/** The admin function as a `role` member meets it on the home: `me` and the figures. */
function stubHome(role: MemberRole = 'admin', handlers: AdminHandlers = {}) {
  return stubAdminAs(role, { dashboard: () => ok(FIGURES) }, handlers);
}

/** Each figure card as `label value hint`. */
function cards(page: Awaited<ReturnType<typeof renderPage>>): string[] {
  return findByClass(page, 'figure-card').map((card) =>
    Array.from(card.children)
      .map((part) => (part.textContent ?? '').trim())
      .filter(Boolean)
      .join(' '),
  );
}

/** Areas without a page yet: still listed, each reading 即将上线 (none left since 数据). */
const OPERATOR_AREAS: string[] = [];

function menuTitles(page: Awaited<ReturnType<typeof renderPage>>): string[] {
  return findByClass(page, 'van-cell__title')
    .map((el) => el.firstChild?.textContent?.trim() ?? '')
    .filter((title) =>
      [
        ...OPERATOR_AREAS,
        '码包申请',
        '激活码段',
        '商品',
        '数据',
        '红包活动',
        '发放记录',
        '渠道二维码',
        '成员',
      ].includes(title),
    );
}

afterEach(cleanup);

describe('admin home', () => {
  test('asks the admin function who the caller is, then for the figures', async () => {
    const calls = stubHome();
    await renderPage(ADMIN_HOME);
    expect(calls).toEqual([
      { name: 'admin', data: { action: 'me' } },
      { name: 'admin', data: { action: 'dashboard' } },
    ]);
  });

  test("shows today's figures as cards, money in 元, the day and when they were counted", async () => {
    stubHome();
    const page = await renderPage(ADMIN_HOME);
    expect(cards(page)).toEqual([
      '今日扫码 12,345 次',
      '今日首次扫码 678 个码',
      '今日领取红包 90 次',
      '今日到账 88 笔',
      '进行中活动剩余预算 123,456.78 元 2 个活动进行中',
      '待处理发放告警 3 点击查看并核对',
    ]);
    expect(visibleText(page)).toContain(
      `2025-03-03（北京时间）· 更新于 ${formatDateTime(FIGURES.asOf)}`,
    );
    // Only the flagged payouts are drawn as waiting for someone.
    expect(
      findByClass(page, 'figure-card--alert').map((el) =>
        el.firstElementChild?.textContent?.trim(),
      ),
    ).toEqual(['待处理发放告警']);
  });

  test('a tap on the flagged payouts opens 发放记录 on the flagged ones', async () => {
    stubHome();
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(ADMIN_HOME);
    await dispatchIn(page, '#figure-flagged', 'tap');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/payouts/index?flagged=1' });
    // The other figures lead nowhere.
    await dispatchIn(page, '#figure-scans', 'tap');
    expect(navigateTo).toHaveBeenCalledTimes(1);
  });

  test('no flagged payouts: a calm card that says so', async () => {
    stubHome('admin', { dashboard: () => ok({ ...FIGURES, flaggedPayouts: 0 }) });
    const page = await renderPage(ADMIN_HOME);
    expect(cards(page).at(-1)).toBe('待处理发放告警 0 暂无告警');
    expect(findByClass(page, 'figure-card--alert')).toHaveLength(0);
  });

  test('skeleton cards while the figures load, then the figures', async () => {
    let answer: (reply: Envelope<DashboardFigures>) => void = () => {};
    stubHome('admin', { dashboard: () => new Promise((resolve) => (answer = resolve)) });
    const page = await renderPage(ADMIN_HOME);
    expect(findByClass(page, 'figures-skeleton')).toHaveLength(1);
    expect(findByClass(page, 'van-skeleton')).toHaveLength(6);
    expect(cards(page).every((text) => text === '')).toBe(true);

    answer(ok(FIGURES));
    await settle();
    expect(findByClass(page, 'figures-skeleton')).toHaveLength(0);
    expect(cards(page)[0]).toBe('今日扫码 12,345 次');
  });

  test('figures that fail show our Chinese words, the code and a retry that recovers', async () => {
    const replies = [fail('INTERNAL'), ok(FIGURES)];
    const calls = stubHome('admin', { dashboard: () => replies.shift() });
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);
    expect(text).toContain(DASHBOARD_ERROR_COPY.INTERNAL);
    expect(text).toContain('错误码 INTERNAL');
    expect(text).not.toContain('服务端的原话');
    // The rest of the home still works.
    expect(menuTitles(page)).toContain('成员');

    await tapVanButton(page, '#figures-error >>> .retry-button');
    expect(calls.filter((call) => call.data.action === 'dashboard')).toHaveLength(2);
    expect(visibleText(page)).not.toContain(DASHBOARD_ERROR_COPY.INTERNAL);
    expect(cards(page)[0]).toBe('今日扫码 12,345 次');
  });

  test('pull to refresh asks for the figures again and shows the new ones', async () => {
    const replies = [ok(FIGURES), ok({ ...FIGURES, scans: 12_400 })];
    const calls = stubHome('admin', { dashboard: () => replies.shift() });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(ADMIN_HOME);
    expect(cards(page)[0]).toBe('今日扫码 12,345 次');

    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(calls.map((call) => call.data.action)).toEqual(['me', 'dashboard', 'me', 'dashboard']);
    expect(cards(page)[0]).toBe('今日扫码 12,400 次');
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('a viewer sees the figures and no shortcut that writes', async () => {
    stubHome('viewer');
    const page = await renderPage(ADMIN_HOME);
    expect(cards(page)).toHaveLength(6);
    const titles = menuTitles(page);
    for (const write of ['激活码段', '成员']) expect(titles).not.toContain(write);
  });

  test('an admin sees the masked openid, the 管理员 tag and every shortcut, 成员 open', async () => {
    stubHome();
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);

    expect(text).toContain('当前身份');
    expect(findByClass(page, 'masked-openid').map((el) => el.textContent)).toEqual(['oMAS…fXYZ']);
    expect(text).not.toContain(OPENID);
    const tags = findByClass(page, 'van-tag');
    expect(tags.map((el) => el.textContent?.trim())).toEqual(['管理员']);
    expect(tags[0]?.classList.toString()).toMatch(/van-tag--success/);
    expect(text).toContain('7 次');
    expect(textsOf(page, 'first-seen')).toEqual([formatDateTime('2025-03-01T08:00:00.000Z')]);
    expect(textsOf(page, 'last-seen')).toEqual([formatDateTime('2025-03-02T09:30:00.000Z')]);

    expect(menuTitles(page)).toEqual([
      '码包申请',
      '激活码段',
      '商品',
      '数据',
      '红包活动',
      '发放记录',
      '渠道二维码',
      '成员',
    ]);
    // Areas without a page say so instead of leading nowhere; every other area has its page.
    expect(findByClass(page, 'menu-cell--disabled')).toHaveLength(OPERATOR_AREAS.length);
    expect(text).not.toContain('即将上线');
    expect(findByClass(page, 'van-cell--clickable')).toHaveLength(8);
    expect(text).not.toContain('你还不是成员');

    await dispatchIn(page, '#menu-members', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/members/index' });
    await dispatchIn(page, '#menu-payouts', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/payouts/index' });
    await dispatchIn(page, '#menu-campaigns', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/campaigns/index' });
    await dispatchIn(page, '#menu-products', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/products/index' });
    await dispatchIn(page, '#menu-channel-qrcodes', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/channel-qr/index' });
    await dispatchIn(page, '#menu-stats', 'click');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/stats/index' });
    await dispatchIn(page, '#menu-code-ranges', 'click');
    expect(navigateTo).toHaveBeenLastCalledWith({ url: '/admin/pages/codes/index' });
  });

  test.each([
    [
      'operator',
      '运营',
      'van-tag--primary',
      ['码包申请', '激活码段', '商品', '数据', '红包活动', '发放记录', '渠道二维码'],
    ],
    [
      'marketer',
      '营销',
      'van-tag--warning',
      ['码包申请', '商品', '数据', '红包活动', '发放记录', '渠道二维码'],
    ],
    [
      'viewer',
      '只读成员',
      'van-tag--default',
      ['码包申请', '商品', '数据', '红包活动', '发放记录', '渠道二维码'],
    ],
  ] as const)(
    'a %s sees its role and only the shortcuts its role allows',
    async (role, label, tagClass, areas) => {
      stubHome(role);
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
    const calls = stubHome('viewer', { me: () => replies.shift() });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(ADMIN_HOME);
    expect(menuTitles(page)).not.toContain('成员');

    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(calls.filter((call) => call.data.action === 'me')).toHaveLength(2);
    expect(menuTitles(page)).toContain('成员');
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('a non-member sees 无权限 and how to get access, and no operator menu', async () => {
    const calls = stubCloud(() => meAs(null));
    const setClipboardData = vi.fn();
    stubWx({ setClipboardData });
    const page = await renderPage(ADMIN_HOME);
    const text = visibleText(page);

    const tags = findByClass(page, 'van-tag');
    expect(tags.map((el) => el.textContent?.trim())).toEqual(['无权限']);
    // A visitor is not asked for, nor shown, the figures.
    expect(calls.map((call) => call.data.action)).toEqual(['me']);
    expect(findByClass(page, 'figure-card')).toHaveLength(0);
    expect(tags[0]?.classList.toString()).toMatch(/van-tag--danger/);
    expect(text).toContain('你还不是成员，请联系品牌管理员邀请你加入');
    for (const area of OPERATOR_AREAS) expect(text).not.toContain(area);

    // The brand grants access by openid, so the full value goes to the clipboard (not the screen).
    await tapVanButton(page, '.copy-openid');
    expect(setClipboardData).toHaveBeenCalledWith(expect.objectContaining({ data: OPENID }));
  });

  test('shows a loading state while the call is in flight', async () => {
    let answer: (reply: Envelope<AdminMe>) => void = () => {};
    stubHome('admin', { me: () => new Promise((resolve) => (answer = resolve)) });
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
    const calls = stubHome('admin', { me: () => replies.shift() });
    const page = await renderPage(ADMIN_HOME);

    expect(visibleText(page)).toContain('服务暂时不可用，请稍后重试');
    expect(visibleText(page)).toContain('错误码 INTERNAL');
    expect(visibleText(page)).not.toContain('当前身份');

    await tapVanButton(page, '#load-state >>> .retry-button');
    expect(calls.filter((call) => call.data.action === 'me')).toHaveLength(2);
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
