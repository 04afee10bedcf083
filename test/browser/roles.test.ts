/**
 * The demo roles in the web preview (issue 10, point 4): the user list names each console member
 * with its role in Chinese, and switching to one shows the console as that role sees it — the
 * viewer the 工作台 figures and no shortcut that writes, the marketer 红包活动 and 发放记录.
 * Skipped, loudly, without /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import { WAIT, lineCount, previewPage, type Preview } from './preview';

/** A template class in the phone: simulate prefixes it with its component (`main--first-seen`). */
const cls = (name: string): string =>
  `[class~="${name}"], [class*="--${name} "], [class$="--${name}"]`;

describe.skipIf(!hasChromium)('web preview: demo roles', () => {
  let stack: TestStack;
  let browser: Browser;
  let preview: Preview;
  let page: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startTestStack({ seed: { campaign: true } }),
      launchChromium(),
    ]);
    preview = await previewPage(browser);
    page = preview.page;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.destroy();
  });

  /** Switches the preview's phone to `openid` and opens the console home. */
  const openConsoleAs = async (openid: string) => {
    await page.selectOption('#user-select', openid);
    await page.click('#admin-link');
    await preview.expectTexts(['今日数据', '首次访问', '最近访问']);
    // Each visit time whole on its row (they once shared a label that broke 最近 across lines).
    for (const name of ['first-seen', 'last-seen']) {
      const value = preview.phone().locator(cls(name));
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
  const menuShows = (desc: string) => preview.phone().getByText(desc, { exact: true }).count();

  test('each demo role is listed in Chinese and sees the console its role allows', async () => {
    // A scan today, so the figures are not all zero.
    await rewardKit(stack).resolveScan(DEMO.users.alice, 12);

    await page.goto(`${stack.url}/preview/`);
    await page.locator(`#user-select option[value="${DEMO.members.viewer}"]`).waitFor({
      state: 'attached',
      ...WAIT,
    });
    const options = await page.locator('#user-select option').allTextContents();
    expect(options).toEqual(
      expect.arrayContaining([
        `${DEMO.admin}（管理员）`,
        `${DEMO.members.operator}（运营）`,
        `${DEMO.members.marketer}（营销）`,
        `${DEMO.members.viewer}（只读）`,
      ]),
    );

    await openConsoleAs(DEMO.members.viewer);
    await preview.expectTexts(['只读成员', '今日扫码', '今日首次扫码', '进行中活动剩余预算']);
    await preview.expectTexts(['待处理发放告警', AREAS.campaigns, AREAS.payouts]);
    // No shortcut that writes: activation (codes) and members.
    expect(await menuShows(AREAS.activation)).toBe(0);
    expect(await menuShows(AREAS.members)).toBe(0);
    // The seeded campaign's budget, less nothing claimed yet.
    await preview.expectTexts([`${(DEMO.campaign.budgetFen / 100).toLocaleString('en-US')}.00 元`]);
    await preview.screenshot('roles-viewer-home');

    await openConsoleAs(DEMO.members.marketer);
    await preview.expectTexts(['营销', AREAS.campaigns, AREAS.payouts]);
    expect(await menuShows(AREAS.activation)).toBe(0);
    expect(await menuShows(AREAS.members)).toBe(0);
    await preview.screenshot('roles-marketer-home');

    await openConsoleAs(DEMO.members.operator);
    await preview.expectTexts(['运营', AREAS.activation]);
    expect(await menuShows(AREAS.members)).toBe(0);
    await preview.screenshot('roles-operator-home');

    await openConsoleAs(DEMO.admin);
    await preview.expectTexts(['管理员', AREAS.members]);
    await preview.screenshot('roles-admin-home');
    expect(preview.problems).toEqual([]);
  }, 180_000);
});
