/**
 * 红包活动 in the web preview (issue 10, point 2): the stack's administrator (a marketer's rights)
 * creates a campaign on the demo range through the form — window by the date and time pickers,
 * the receipt text by a selector picker — starts it after confirming, a consumer claims, the books
 * and claims per day show that claim, and the campaign is paused. Skipped, loudly, without
 * /usr/bin/chromium.
 */
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { hasChromium } from './chromium';
import { WAIT, cls, demoAdmin, previewSession } from './preview';

/** China-time `YYYY-MM-DD` and `hh:mm` of an instant (the form's pickers are China time). */
function chinaParts(at: number): { date: string; time: string } {
  const iso = new Date(at + 8 * 3_600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

describe.skipIf(!hasChromium)('web preview: 红包活动', () => {
  const session = previewSession();

  /** Opens the picker of `selector` in the phone, sets the sheet's value and taps 确定. */
  const pickWhen = async (selector: string, value: string) => {
    await session.preview.phone().locator(cls(selector)).first().tap();
    const input = session.page.locator('.picker-sheet__input');
    await input.waitFor(WAIT);
    await input.fill(value);
    await session.page.locator('.picker-sheet__confirm').click();
    await session.preview.expectTexts([value]);
  };

  const type = async (placeholder: string, text: string) => {
    const field = session.preview.phone().getByPlaceholder(placeholder);
    await field.tap();
    await field.fill(text);
  };

  const confirmDialog = async (title: string) => {
    await session.page.locator('.dialog__title', { hasText: title }).waitFor(WAIT);
    await session.page.locator('.dialog__confirm').click();
  };

  test('create on the demo range, start, a claim shows in the books and per day, pause', async () => {
    await session.openConsole();
    await session.preview.expectTexts(['预算、金额、时间与风控']);
    await session.preview.phone().getByText('预算、金额、时间与风控', { exact: true }).tap();
    await session.preview.expectTexts(['还没有红包活动']);
    await session.preview.screenshot('campaigns-empty');

    await session.preview.phoneButton('新建活动').first().tap();
    await session.preview.expectTexts(['参与商品与码段', '已激活码段']);
    await type('最多 32 个字', '浏览器春季红包');
    // Started five minutes ago, so the consumer's claim falls inside the window.
    const start = chinaParts(Date.now() - 5 * 60_000);
    await pickWhen('start-date', start.date);
    await pickWhen('start-time', start.time);
    await type('如 5000', '100');
    await session.preview.phone().locator(cls('range-choice-0')).tap();
    await session.preview.expectTexts(['☑']);
    // The blacklist is a textarea: one openid per line.
    const blacklist = session.preview.phone().getByPlaceholder('每行一个 openid');
    await blacklist.tap();
    await blacklist.fill('o-fraud-1\no-fraud-2');
    await session.preview.screenshot('campaign-form-blacklist');
    await type('用户在转账记录里看到', '扫码奖励');
    await type('报备给微信支付，用户看不到', '浏览器春季红包');
    await type('如：扫码即得现金奖励', '扫码即得现金奖励');
    await expect
      .poll(
        async () => session.preview.phone().locator(cls('count-transferRemark')).textContent(),
        WAIT,
      )
      .toContain('4/32 字');
    // 取消 closes the sheet and changes nothing (WeChat's `cancel`).
    await session.preview.phone().getByText('现金奖励 ▾', { exact: true }).tap();
    await session.page.locator('.picker-sheet__option', { hasText: '活动奖励' }).click();
    await session.page.locator('.picker-sheet__cancel').click();
    await session.page.locator('.picker-sheet').waitFor({ state: 'detached', ...WAIT });
    await session.preview.expectTexts(['现金奖励 ▾']);
    // A selector picker: the receipt text the payee sees.
    await session.preview.phone().getByText('现金奖励 ▾', { exact: true }).tap();
    await session.page.locator('.picker-sheet__option', { hasText: '活动奖励' }).click();
    await session.page.locator('.picker-sheet__confirm').click();
    await session.preview.expectTexts(['活动奖励 ▾']);
    await session.preview.screenshot('campaign-form');

    await session.preview.phoneButton('创建活动').tap();
    await session.preview.expectTexts(['浏览器春季红包', '草稿', '还没有人领取']);
    await session.preview.screenshot('campaign-detail-draft');

    const [created] = (await demoAdmin(session.stack).call('listCampaigns', {})).campaigns;
    expect(created).toMatchObject({
      name: '浏览器春季红包',
      status: 'draft',
      startAt: new Date(Date.parse(`${start.date}T${start.time}:00+08:00`)).toISOString(),
      budgetFen: 10_000,
      amount: { kind: 'fixed', fen: 100 },
      targeting: {
        productIds: [],
        rangeIds: [`${session.stack.demo!.applicationId}:${session.stack.demo!.codeStart}`],
      },
      payout: { provider: 'v3-transfer', userRecvPerception: '活动奖励' },
      risk: { openidBlacklist: ['o-fraud-1', 'o-fraud-2'] },
    });

    await session.preview.phoneButton('开始').tap();
    await confirmDialog('开始活动');
    await session.preview.expectTexts(['进行中', '活动已开始']);

    // A consumer scans and claims; WeChat Pay confirms the transfer.
    const kit = rewardKit(session.stack);
    const scan = await kit.resolveScan(DEMO.users.alice, 41);
    const claimed = await kit.reward('claim', scan.scanId, DEMO.users.alice);
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    const [payout] = (await demoAdmin(session.stack).call('listPayouts', { code: scan.code }))
      .payouts;
    await kit.paySim('confirm-transfer', { out_bill_no: payout!.outNo });
    await expect
      .poll(
        async () =>
          (await demoAdmin(session.stack).call('listPayouts', { code: scan.code })).payouts[0]
            ?.state,
        WAIT,
      )
      .toBe('received');

    // Through 发放记录 and back: the detail reads its books again as it shows.
    await session.preview.phoneButton('发放记录').tap();
    await session.preview.expectTexts([`码 ${scan.code}`]);
    // 发放记录's own selector picker works in the preview too: only received payouts.
    await session.preview.phone().getByText('全部状态 ▾', { exact: true }).tap();
    await session.page.locator('.picker-sheet__option', { hasText: '已领取' }).click();
    await session.page.locator('.picker-sheet__confirm').click();
    await session.preview.expectTexts(['已领取 ▾', `码 ${scan.code}`]);
    await session.preview.screenshot('campaign-payouts');
    await session.page.tap('#nav-back');
    await session.preview.expectTexts(['共 1 次领取，已发 1.00 元', '1 次', '99.00 元']);
    await expect
      .poll(async () => session.preview.phone().locator(cls('books-paid')).textContent(), WAIT)
      .toContain('1.00 元');
    await session.preview.screenshot('campaign-detail-running');

    await session.preview.phoneButton('暂停').tap();
    await confirmDialog('暂停活动');
    await session.preview.expectTexts(['已暂停', '活动已暂停']);
    await session.preview.screenshot('campaign-detail-paused');
    expect(
      (await demoAdmin(session.stack).call('getCampaign', { campaignId: created!.campaignId }))
        .campaign.status,
    ).toBe('paused');

    await session.page.tap('#nav-back');
    await session.preview.expectTexts(['浏览器春季红包', '已暂停', '已发 1.00 元']);
    await session.preview.screenshot('campaigns-list');
    expect(session.preview.problems).toEqual([]);
  }, 240_000);
});
