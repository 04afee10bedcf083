/**
 * A newcomer claims the demo red envelope in the web preview: `npm start`'s seed (with its
 * running campaign) on a free port, scan a demo code from the control bar, claim on the landing
 * page, open the envelope in the preview's stand-in for WeChat's own sheet, which tells the stack's
 * WeChat Pay simulator it was opened, and read 已领取. Closing the sheet first keeps the reward:
 * 继续领取 opens the same envelope. Skipped, loudly, without /usr/bin/chromium.
 */
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { sdkFor } from '../support/sdk';
import { hasChromium } from './chromium';
import { WAIT, previewSession } from './preview';

interface SimEnvelope {
  mch_billno: string;
  status: string;
  total_amount: number;
}

describe.skipIf(!hasChromium)('web preview: claiming the demo reward', () => {
  const session = previewSession({ seed: { campaign: true } });

  const envelopes = async (): Promise<SimEnvelope[]> =>
    (
      (await (await fetch(`${session.stack.url}/wechatpay/_sim/state`)).json()) as {
        envelopes: SimEnvelope[];
      }
    ).envelopes;

  /** Alice scans code N from the control bar and sees the reward card. */
  const scan = async (index: number) => {
    await session.page.fill('#scan-index', String(index));
    await session.page.tap('#scan-button');
    await session.preview.expectTexts([DEMO.product.title]);
    await session.preview.expectTexts([DEMO.campaign.name, '拆开看金额']);
  };

  const phoneButton = (label: string) => session.preview.phoneButton(label);

  const sheetButton = (label: string) =>
    session.page.locator('.dialog--red-packet button', { hasText: label });

  test('scan → claim → open the envelope → 已领取', async () => {
    await session.page.goto(`${session.stack.url}/preview/`);
    await expect
      .poll(() => session.page.inputValue('#application-id'), WAIT)
      .toBe(session.stack.demo?.applicationId);
    await session.preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(await session.page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);
    await scan(7);
    await session.preview.screenshot('reward-offer');

    await phoneButton('领取红包').tap();
    await sheetButton('拆红包').waitFor(WAIT);
    await session.preview.screenshot('reward-sheet');
    await sheetButton('拆红包').tap();

    await session.preview.expectTexts(['已领取', '红包已存入微信零钱']);
    await session.preview
      .phone()
      .getByText(/^¥\d\.\d\d$/)
      .first()
      .waitFor(WAIT);
    await session.preview.screenshot('reward-received');
    expect(await phoneButton('领取红包').count()).toBe(0);

    // WeChat Pay's side: one envelope, opened.
    const [envelope] = await envelopes();
    expect(envelope).toMatchObject({ status: 'RECEIVED' });
    expect(envelope!.total_amount).toBeGreaterThanOrEqual(DEMO.campaign.minFen);
    expect(envelope!.total_amount).toBeLessThanOrEqual(DEMO.campaign.maxFen);
    const amount = (envelope!.total_amount / 100).toFixed(2);
    await session.preview.phone().getByText(`¥${amount}`, { exact: true }).waitFor(WAIT);

    // The claim and the status check went to the local stack as alice.
    await expect
      .poll(
        async () => (await session.page.locator('#call-log li').allTextContents()).join('\n'),
        WAIT,
      )
      .toMatch(/reward\.claim · 200 · \d+ ms · ok/);
    expect(session.preview.problems).toEqual([]);
  });

  test('closing the envelope keeps the reward: 继续领取 opens the same one', async () => {
    await scan(8);
    await phoneButton('领取红包').tap();
    await sheetButton('关闭').tap();
    await session.preview.expectTexts(['奖励已为你保留，点击继续领取']);

    await phoneButton('继续领取').tap();
    await sheetButton('拆红包').tap();
    await session.preview.expectTexts(['已领取']);
    // Still one envelope for this code: claiming again answered the same payout.
    const opened = (await envelopes()).filter((envelope) => envelope.status === 'RECEIVED');
    expect(opened).toHaveLength(2);
    expect(session.preview.problems).toEqual([]);
  });

  test('reopening the page (重置, the same ticket) offers nothing new', async () => {
    const before = await envelopes();
    await session.page.tap('#reset-button');
    await session.preview.expectTexts([DEMO.product.title]);
    // Where the payout stands comes from `reward.status`: 已领取 once the server has heard from
    // WeChat Pay that the envelope was opened; until then 继续领取, which opens the same
    // envelope again (WeChat shows an opened envelope's details) and ends in 已领取 too.
    const standing = session.preview
      .phone()
      .getByText(/^\s*(已领取|继续领取)\s*$/)
      .first();
    await standing.waitFor(WAIT);
    if ((await standing.textContent())?.trim() === '继续领取') {
      await phoneButton('继续领取').tap();
      await sheetButton('拆红包').tap();
      await session.preview.expectTexts(['已领取']);
    }
    expect(await phoneButton('领取红包').count()).toBe(0);
    // No second envelope.
    expect(await envelopes()).toEqual(before);
    expect(session.preview.problems).toEqual([]);
  });

  test('opened plainly (scene 1001), a code typed in shows the product but no offer: only a scan claims', async () => {
    const db = sdkFor(session.stack.url).database();
    const { data } = await db
      .collection('packageCodes')
      .where({ applicationId: session.stack.demo!.applicationId, index: 9 })
      .get();
    const code = (data[0] as { code: string }).code;

    await session.page.tap('#plain-launch');
    await session.preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    const field = session.preview.phone().getByPlaceholder('请输入 9 位防伪码');
    await field.tap();
    await field.pressSequentially(code);
    await phoneButton('查询').tap();
    await session.preview.expectTexts([DEMO.product.title]);
    // The demo campaign pays ticket scans only (allowTypedCodes off): a typed code is offered
    // nothing it could not claim.
    expect(await session.preview.phone().getByText(DEMO.campaign.name).count()).toBe(0);
    expect(await phoneButton('领取红包').count()).toBe(0);
    expect(session.preview.problems).toEqual([]);
  });
});
