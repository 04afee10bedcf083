/**
 * The demo roles in the web preview (issue 10, point 4): the user list names each console member
 * with its role in Chinese, and switching to one shows the console as that role sees it — the
 * viewer the 工作台 figures and no shortcut that writes, the marketer 红包活动 and 发放记录.
 * Skipped, loudly, without /usr/bin/chromium.
 */
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { hasChromium } from './chromium';
import { WAIT, cls, lineCount, previewSession } from './preview';

describe.skipIf(!hasChromium)('web preview: demo roles', () => {
  const session = previewSession({ seed: { campaign: true } });

  /** Switches the preview's phone to `openid` and opens the console home. */
  const openConsoleAs = async (openid: string) => {
    await session.page.selectOption('#user-select', openid);
    await session.page.click('#admin-link');
    await session.preview.expectTexts(['今日数据', '首次访问', '最近访问']);
    // Each visit time whole on its row (they once shared a label that broke 最近 across lines).
    for (const name of ['first-seen', 'last-seen']) {
      const value = session.preview.phone().locator(cls(name));
      expect(await value.count()).toBe(1);
      expect(await value.innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      expect(await lineCount(value)).toBe(1);
    }
  };
  /** The console's shortcuts, by the line under each title (the title shares its element). */
  const AREAS = {
    campaigns: '预算、金额、时间与风控',
    payouts: '红包发放状态、按码查询与对账告警',
    activation: '把码段绑定到商品与活动',
    members: '成员与角色、邀请、操作记录',
  };
  const menuShows = (desc: string) =>
    session.preview.phone().getByText(desc, { exact: true }).count();

  test('each demo role is listed in Chinese and sees the console its role allows', async () => {
    // A scan today, so the figures are not all zero.
    await rewardKit(session.stack).resolveScan(DEMO.users.alice, 12);

    await session.page.goto(`${session.stack.url}/preview/`);
    await session.page.locator(`#user-select option[value="${DEMO.members.viewer}"]`).waitFor({
      state: 'attached',
      ...WAIT,
    });
    const options = await session.page.locator('#user-select option').allTextContents();
    expect(options).toEqual(
      expect.arrayContaining([
        `${DEMO.admin}（管理员）`,
        `${DEMO.members.operator}（运营）`,
        `${DEMO.members.marketer}（营销）`,
        `${DEMO.members.viewer}（只读）`,
      ]),
    );

    await openConsoleAs(DEMO.members.viewer);
    await session.preview.expectTexts([
      '只读成员',
      '今日扫码',
      '今日首次扫码',
      '进行中活动剩余预算',
    ]);
    await session.preview.expectTexts(['待处理发放告警', AREAS.campaigns, AREAS.payouts]);
    // No shortcut that writes: activation (codes) and members.
    expect(await menuShows(AREAS.activation)).toBe(0);
    expect(await menuShows(AREAS.members)).toBe(0);
    // The seeded campaign's budget, less nothing claimed yet.
    await session.preview.expectTexts([
      `${(DEMO.campaign.budgetFen / 100).toLocaleString('en-US')}.00 元`,
    ]);
    await session.preview.screenshot('roles-viewer-home');

    await openConsoleAs(DEMO.members.marketer);
    await session.preview.expectTexts(['营销', AREAS.campaigns, AREAS.payouts]);
    expect(await menuShows(AREAS.activation)).toBe(0);
    expect(await menuShows(AREAS.members)).toBe(0);
    await session.preview.screenshot('roles-marketer-home');

    await openConsoleAs(DEMO.members.operator);
    await session.preview.expectTexts(['运营', AREAS.activation]);
    expect(await menuShows(AREAS.members)).toBe(0);
    await session.preview.screenshot('roles-operator-home');

    await openConsoleAs(DEMO.admin);
    await session.preview.expectTexts(['管理员', AREAS.members]);
    await session.preview.screenshot('roles-admin-home');
    expect(session.preview.problems).toEqual([]);
  }, 180_000);
});
