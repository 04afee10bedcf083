/**
 * A newcomer claims the demo red envelope in the web preview: `npm start`'s seed (with its
 * running campaign) on a free port, scan a demo code from the control bar, claim on the landing
 * page, open the envelope in the preview's stand-in for WeChat's own sheet, which tells the stack's
 * WeChat Pay simulator it was opened, and read 已领取. Closing the sheet first keeps the reward:
 * 继续领取 opens the same envelope. Skipped, loudly, without /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { sdkFor } from '../support/sdk';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import { WAIT, previewPage, type Preview } from './preview';

interface SimEnvelope {
  mch_billno: string;
  status: string;
  total_amount: number;
}

describe.skipIf(!hasChromium)('web preview: claiming the demo reward', () => {
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

  const envelopes = async (): Promise<SimEnvelope[]> =>
    (
      (await (await fetch(`${stack.url}/wechatpay/_sim/state`)).json()) as {
        envelopes: SimEnvelope[];
      }
    ).envelopes;

  /** Alice scans code N from the control bar and sees the reward card. */
  const scan = async (index: number) => {
    await page.fill('#scan-index', String(index));
    await page.tap('#scan-button');
    await preview.phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    await preview.expectTexts([DEMO.campaign.name, '拆开看金额']);
  };

  const phoneButton = (label: string) => preview.phoneButton(label);

  const sheetButton = (label: string) =>
    page.locator('.dialog--red-packet button', { hasText: label });

  test('scan → claim → open the envelope → 已领取', async () => {
    await page.goto(`${stack.url}/preview/`);
    await expect
      .poll(() => page.inputValue('#application-id'), WAIT)
      .toBe(stack.demo?.applicationId);
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(await page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);
    await scan(7);
    await preview.screenshot('reward-offer');

    await phoneButton('领取红包').tap();
    await sheetButton('拆红包').waitFor(WAIT);
    await preview.screenshot('reward-sheet');
    await sheetButton('拆红包').tap();

    await preview.expectTexts(['已领取', '红包已存入微信零钱']);
    await preview
      .phone()
      .getByText(/^¥\d\.\d\d$/)
      .first()
      .waitFor(WAIT);
    await preview.screenshot('reward-received');
    expect(await phoneButton('领取红包').count()).toBe(0);

    // WeChat Pay's side: one envelope, opened.
    const [envelope] = await envelopes();
    expect(envelope).toMatchObject({ status: 'RECEIVED' });
    expect(envelope!.total_amount).toBeGreaterThanOrEqual(DEMO.campaign.minFen);
    expect(envelope!.total_amount).toBeLessThanOrEqual(DEMO.campaign.maxFen);
    const amount = (envelope!.total_amount / 100).toFixed(2);
    await preview.phone().getByText(`¥${amount}`, { exact: true }).waitFor(WAIT);

    // The claim and the status check went to the local stack as alice.
    await expect
      .poll(async () => (await page.locator('#call-log li').allTextContents()).join('\n'), WAIT)
      .toMatch(/reward\.claim · 200 · \d+ ms · ok/);
    expect(preview.problems).toEqual([]);
  });

  test('closing the envelope keeps the reward: 继续领取 opens the same one', async () => {
    await scan(8);
    await phoneButton('领取红包').tap();
    await sheetButton('关闭').tap();
    await preview.expectTexts(['奖励已为你保留，点击继续领取']);

    await phoneButton('继续领取').tap();
    await sheetButton('拆红包').tap();
    await preview.expectTexts(['已领取']);
    // Still one envelope for this code: claiming again answered the same payout.
    const opened = (await envelopes()).filter((envelope) => envelope.status === 'RECEIVED');
    expect(opened).toHaveLength(2);
    expect(preview.problems).toEqual([]);
  });

  test('reopening the page (重置, the same ticket) offers nothing new', async () => {
    const before = await envelopes();
    await page.tap('#reset-button');
    await preview.phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    // Where the payout stands comes from `reward.status`: 已领取 once the server has heard from
    // WeChat Pay that the envelope was opened; until then 继续领取, which opens the same
    // envelope again (WeChat shows an opened envelope's details) and ends in 已领取 too.
    const standing = preview
      .phone()
      .getByText(/^\s*(已领取|继续领取)\s*$/)
      .first();
    await standing.waitFor(WAIT);
    if ((await standing.textContent())?.trim() === '继续领取') {
      await phoneButton('继续领取').tap();
      await sheetButton('拆红包').tap();
      await preview.expectTexts(['已领取']);
    }
    expect(await phoneButton('领取红包').count()).toBe(0);
    // No second envelope.
    expect(await envelopes()).toEqual(before);
    expect(preview.problems).toEqual([]);
  });

  test('opened plainly (scene 1001), a code typed in shows the product but no offer: only a scan claims', async () => {
    const db = sdkFor(stack.url).database();
    const { data } = await db
      .collection('packageCodes')
      .where({ applicationId: stack.demo!.applicationId, index: 9 })
      .get();
    const code = (data[0] as { code: string }).code;

    await page.tap('#plain-launch');
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    const field = preview.phone().getByPlaceholder('请输入 9 位防伪码');
    await field.tap();
    await field.pressSequentially(code);
    await phoneButton('查询').tap();
    await preview.phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    // The demo campaign pays ticket scans only (allowTypedCodes off): a typed code is offered
    // nothing it could not claim.
    expect(await preview.phone().getByText(DEMO.campaign.name).count()).toBe(0);
    expect(await phoneButton('领取红包').count()).toBe(0);
    expect(preview.problems).toEqual([]);
  });
});
