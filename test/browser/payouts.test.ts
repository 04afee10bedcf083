/**
 * 发放记录 in the web preview (issue 10, point 2): a consumer claims a red envelope, and the
 * stack's administrator finds that payout in 发放记录 from the console home — amount, state in
 * Chinese, campaign and code — opens its ledger, and finds it again by its code. Skipped, loudly,
 * without /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import { WAIT, demoAdmin, previewPage, type Preview } from './preview';

describe.skipIf(!hasChromium)('web preview: 发放记录', () => {
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

  const phoneButton = (label: string) => preview.phoneButton(label);

  test('a claimed envelope appears with its ledger, and is found by its code', async () => {
    const kit = rewardKit(stack);
    const scan = await kit.resolveScan(DEMO.users.alice, 31);
    const claimed = await kit.reward('claim', scan.scanId, DEMO.users.alice);
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    const [payout] = (await demoAdmin(stack).call('listPayouts', { code: scan.code })).payouts;
    expect(payout).toBeDefined();

    await page.goto(`${stack.url}/preview/`);
    await page.locator(`#user-select option[value="${DEMO.admin}"]`).waitFor({
      state: 'attached',
      ...WAIT,
    });
    await page.selectOption('#user-select', DEMO.admin);
    await page.click('#admin-link');
    await preview.expectTexts(['红包发放状态、按码查询与对账告警']);
    await preview.phone().getByText('红包发放状态、按码查询与对账告警', { exact: true }).tap();

    await preview.expectTexts([`码 ${scan.code}`, payout!.stateText, DEMO.campaign.name]);
    await preview.screenshot('payouts-list');

    await preview.phone().getByText(`码 ${scan.code}`, { exact: true }).tap();
    await preview.expectTexts(['状态流水', `商户单号：${payout!.outNo}`]);
    await preview.screenshot('payouts-ledger');

    const field = preview.phone().getByPlaceholder('输入 9 位码查询');
    await field.tap();
    await field.pressSequentially('ZZZZZZZZZ');
    await phoneButton('查询').tap();
    await preview.expectTexts(['码 ZZZZZZZZZ 没有发放记录']);
    await preview.screenshot('payouts-code-empty');
    expect(preview.problems).toEqual([]);
  }, 180_000);
});
