/**
 * 数据 in the web preview (issue 12 points 5 and 6): after scripted scans (three users, two
 * cities, a typed-in place-less scan) and a claim WeChat Pay confirms, the stack's administrator
 * opens 数据 from the home menu and reads the figures, sees both trend charts drawn on their
 * `<canvas type="2d">` (pixels read back from the browser's own canvas), the product, campaign
 * and province breakdowns and the hour-of-day heat; opens the campaign's own curve; then exports
 * the day's scans as CSV from 导出 and follows it to 已完成. Skipped, loudly, without
 * /usr/bin/chromium.
 */
import type { FrameLocator } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { rewardKit } from '../support/rewards';
import { hasChromium } from './chromium';
import { WAIT, cls, demoAdmin, previewSession } from './preview';

const SHANGHAI = { latitude: 31.2304, longitude: 121.4737 };
const GUANGZHOU = { latitude: 23.1291, longitude: 113.2644 };

/** The part of a browser `<canvas>` read back (this project's typings have no DOM). */
interface PixelCanvas {
  width: number;
  height: number;
  getContext(type: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

/** Pixels of the chart's canvas that are not white: what the browser's own canvas drew. */
async function drawnPixels(phone: FrameLocator, chartClass: string): Promise<number> {
  const canvas = phone.locator(`${cls(chartClass)} canvas.wx-canvas__native`).first();
  await canvas.waitFor(WAIT);
  return canvas.evaluate((element) => {
    const node = element as unknown as PixelCanvas;
    if (node.width === 0 || node.height === 0) return 0;
    const { data } = node.getContext('2d')!.getImageData(0, 0, node.width, node.height);
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240))
        drawn += 1;
    return drawn;
  });
}

describe.skipIf(!hasChromium)('web preview: 数据', () => {
  const session = previewSession();

  /** A consumer's 一物一码 scan of demo code `index`, from `location` when given. */
  const scan = async (openid: string, index: number, location?: typeof SHANGHAI) => {
    const launch = (await (
      await fetch(`${session.stack.url}/wechat/_sim/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          openid,
          applicationId: Number(session.stack.demo!.applicationId),
          index,
        }),
      })
    ).json()) as { query: { code_ticket: string } };
    const view = (
      await session.stack.call(
        'scan',
        {
          action: 'resolve',
          codeTicket: launch.query.code_ticket,
          scene: 1124,
          ...(location ? { location } : {}),
        },
        { openid },
      )
    ).body;
    expect(view.ok, JSON.stringify(view)).toBe(true);
    return view.data as { scanId: string; code: string };
  };

  test('figures, charts, breakdowns and heat after scripted scans and a claim; the export', async () => {
    const kit = rewardKit(session.stack);
    const campaign = await kit.startCampaign({ name: '浏览器扫码红包' });
    // Alice scans codes 21 and 22 in Shanghai, Bob 23 in Guangzhou, Carol 21 again (a repeat
    // scan of a code: 4 scans, 3 codes first scanned).
    const first = await scan(DEMO.users.alice, 21, SHANGHAI);
    const scanIds = [
      first.scanId,
      (await scan(DEMO.users.alice, 22, SHANGHAI)).scanId,
      (await scan(DEMO.users.bob, 23, GUANGZHOU)).scanId,
      (await scan('o-demo-carol', 21, SHANGHAI)).scanId,
    ];
    // When the stack recorded them: the hour and the day they count in (China time), whenever
    // the page is read.
    const { data: recorded } = await kit
      .database()
      .collection('scans')
      .where({ _id: kit.database().command.in(scanIds) })
      .get();
    const scannedAt: number[] = recorded.map((row) => Number(row.scannedAt));
    expect(scannedAt).toHaveLength(4);
    const chinaHour = (at: number) => new Date(at + 8 * 3_600_000).getUTCHours();
    const chinaDay = (at: number) => Math.floor((at + 8 * 3_600_000) / 86_400_000);
    const claimed = await kit.reward('claim', first.scanId, DEMO.users.alice);
    expect(claimed.ok, JSON.stringify(claimed)).toBe(true);
    const [payout] = (await demoAdmin(session.stack).call('listPayouts', { code: first.code }))
      .payouts;
    await kit.paySim('confirm-transfer', { out_bill_no: payout!.outNo });
    await expect
      .poll(
        async () =>
          (await demoAdmin(session.stack).call('listPayouts', { code: first.code })).payouts[0]
            ?.state,
        WAIT,
      )
      .toBe('received');

    await session.openConsole();
    const menu = '扫码与领取趋势、商品与地区、时段、窜货告警与导出';
    await session.preview.expectTexts([menu]);
    await session.preview.phone().getByText(menu, { exact: true }).tap();
    await session.preview.expectTexts(['扫码趋势', '领取趋势']);

    const phone = session.preview.phone();
    const cards = async () =>
      (await phone.locator(cls('figure-card')).allInnerTexts()).map((text) =>
        text.replace(/\s+/g, ' ').trim(),
      );
    await expect
      .poll(cards, WAIT)
      .toEqual([
        '扫码次数 4 次',
        '扫码人数 3 按时段累计',
        '首次扫码 3 个码',
        '红包领取 1 次',
        '已到账 1.00 元 1 笔',
        '被拒领取 0 次',
      ]);
    // Both charts drew on the browser's own canvas (a blank one is white).
    await expect.poll(() => drawnPixels(phone, 'scan-chart-host'), WAIT).toBeGreaterThan(500);
    await expect.poll(() => drawnPixels(phone, 'reward-chart-host'), WAIT).toBeGreaterThan(500);

    const rows = async (name: string) =>
      (await phone.locator(cls(name)).allInnerTexts()).map((text) =>
        text.replace(/\s+/g, ' ').trim(),
      );
    expect(await rows('product-row')).toEqual(['山泉水 550ml 4 次']);
    // Alice scanned two codes of it: a returning scanner and a repurchase.
    await session.preview.expectTexts(['3 人首次扫码 · 回头客 1 人 · 复购 1 人']);
    expect(await rows('campaign-row')).toEqual(['浏览器扫码红包 4 次']);
    expect(await rows('province-row')).toEqual(['上海市 3 2 75%', '广东省 1 1 25%']);
    // The hour-of-day heat: the hours the scans were made in (China time), the busiest named
    // (every scan in one hour but at the turn of one).
    const perHour = Array.from(
      { length: 24 },
      (_, hour) => scannedAt.filter((at) => chinaHour(at) === hour).length,
    );
    const peak = Math.max(...perHour);
    const hour = perHour.indexOf(peak);
    await session.preview.expectTexts([`扫码最多的时段：${hour}:00–${hour + 1}:00（${peak} 次）`]);
    expect(await phone.locator(cls('heat-cell--4')).allInnerTexts()).toEqual(
      perHour.flatMap((count, h) => (count === peak ? [String(h)] : [])),
    );
    await session.preview.expectTexts(['没有窜货告警']);
    await session.preview.screenshot('stats-page');
    await phone.locator(cls('heat-grid')).scrollIntoViewIfNeeded();
    await session.preview.screenshot('stats-breakdowns');

    // Today, by hour: the scans of the day the tap falls in (all four unless midnight, China
    // time, passed since they were made).
    const tappedOn = chinaDay(Date.now());
    await phone.locator(cls('range-chip')).getByText('今天', { exact: true }).tap();
    const todays = scannedAt.filter((at) => chinaDay(at) === tappedOn).length;
    await expect.poll(cards, WAIT).toContain(`扫码次数 ${todays} 次`);
    // The day's curve by hour is drawn too (the screenshot once showed a blank white chart).
    await expect.poll(() => drawnPixels(phone, 'scan-chart-host'), WAIT).toBeGreaterThan(500);
    await session.preview.screenshot('stats-today');
    // Back to 近7天, where the campaign's row is whichever day its scans fell on.
    await phone.locator(cls('range-chip')).getByText('近7天', { exact: true }).tap();
    await expect.poll(cards, WAIT).toContain('扫码次数 4 次');

    // The campaign's own page draws its curve.
    await phone.locator(cls('campaign-row')).first().tap();
    await session.preview.expectTexts(['浏览器扫码红包', '每日领取']);
    await expect
      .poll(() => drawnPixels(session.preview.phone(), 'campaign-chart'), WAIT)
      .toBeGreaterThan(300);
    await session.preview.screenshot('stats-campaign-curve');
    await session.page.tap('#nav-back');

    // 导出: today's scans as CSV, followed to 已完成.
    await session.preview.phone().getByText('导出 ›', { exact: true }).tap();
    await session.preview.expectTexts(['导出什么', '还没有导出。选好数据和日期后点「开始导出」']);
    await session.preview.phoneButton('开始导出').tap();
    await session.preview.expectTexts(['已完成', '共 4 行，1 个文件']);
    await session.preview.screenshot('stats-export');
    const [done] = (await demoAdmin(session.stack).call('listExports', {})).exports;
    expect(done).toMatchObject({ kind: 'scans', state: 'done', rowsDone: 4, filesDone: 1 });
    const csv = await (await fetch(done!.files[0]!.url)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(5);
    expect(csv).toContain(`${first.code},${DEMO.users.alice},一物一码`);
    expect(campaign.campaignId).toBeTruthy();
    expect(session.preview.problems).toEqual([]);
  }, 240_000);
});
