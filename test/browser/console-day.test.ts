/**
 * An operator's and a marketer's day in the web preview (issue 10, point 5), every step on the
 * preview's phone as the person doing it, nothing through a terminal:
 *
 *   the administrator invites bob as 运营 → bob joins with the link → applies for 10,000 codes →
 *   the application page waits for FINISH → imports → exports and downloads the CSV → activates
 *   the range → creates a product with an uploaded picture and a trace → binds it to the range →
 *   the marketer creates a campaign on that range and starts it → alice scans a code of it and
 *   claims → the payout shows in 发放记录 → the marketer pauses the campaign → the viewer reads
 *   the figures and finds no button that writes.
 *
 * The server is asked only to check what the pages claim. Skipped, loudly, without
 * /usr/bin/chromium.
 */
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { hasChromium } from './chromium';
import { WAIT, cls, demoAdmin, previewSession } from './preview';

const LONG_WAIT = { timeout: 90_000 };
const PRODUCT = { title: '桂花乌龙 100g', brand: '码上茶园' };
const CAMPAIGN = '桂花乌龙开箱红包';

/** A 64 × 64 amber square: the product's picture as the phone's album would hand it over. */
function amberPng(): Buffer {
  const png = new PNG({ width: 64, height: 64 });
  for (let at = 0; at < png.data.length; at += 4) {
    png.data[at] = 230;
    png.data[at + 1] = 160;
    png.data[at + 2] = 40;
    png.data[at + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** China-time `YYYY-MM-DD` and `hh:mm` of an instant (the campaign form's pickers are China time). */
function chinaParts(at: number): { date: string; time: string } {
  const iso = new Date(at + 8 * 3_600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

describe.skipIf(!hasChromium)('web preview: an operator’s and a marketer’s day', () => {
  const session = previewSession();

  const phone = () => session.preview.phone();
  const button = (label: string) => session.preview.phoneButton(label);
  const confirmDialog = async (text: string) => {
    await session.page.locator('.dialog', { hasText: text }).waitFor(WAIT);
    await session.page.locator('.dialog__confirm').click();
  };
  const typeInto = async (placeholder: string, text: string, nth = 0) => {
    const field = phone().getByPlaceholder(placeholder).nth(nth);
    await field.tap();
    await field.fill(text);
  };
  const openConsoleAs = async (openid: string) => {
    await session.page.selectOption('#user-select', openid);
    await session.page.click('#admin-link');
  };
  const openArea = async (description: string) => {
    await session.preview.expectTexts([description]);
    await phone().getByText(description, { exact: true }).tap();
  };

  test('join → codes → product → campaign → claim → 发放记录 → pause → a viewer reads', async () => {
    const server = demoAdmin(session.stack);
    await session.page.goto(`${session.stack.url}/preview/`);
    await session.page.locator(`#user-select option[value="${DEMO.members.viewer}"]`).waitFor({
      state: 'attached',
      ...WAIT,
    });

    // 1. The administrator invites bob as 运营; bob opens the link and joins.
    await openConsoleAs(DEMO.admin);
    await openArea('成员与角色、邀请、操作记录');
    await button('邀请成员').tap();
    await session.page.locator('.action-sheet__item', { hasText: '运营' }).click();
    await session.preview.expectTexts(['邀请「运营」加入']);
    const invite = (
      (await phone().locator('[class*="invite-card__link"]').textContent()) ?? ''
    ).trim();
    expect(invite).toMatch(/^\/admin\/pages\/join\/index\?invite=/);
    await session.page.selectOption('#user-select', DEMO.users.bob);
    await session.page.fill('#open-link', invite);
    await session.page.click('#open-link-button');
    await session.preview.expectTexts(['邀请你以「运营」身份加入运营后台']);
    await button('加入').tap();
    await session.preview.expectTexts(['运营', '今日扫码', '申请一物一码、下载并解密码包']);
    await session.preview.screenshot('day-01-operator-home');

    // 2. Bob applies for 10,000 codes, confirming the cost.
    await openArea('申请一物一码、下载并解密码包');
    await session.preview.expectTexts([`订单号 ${DEMO.isvApplicationId}`]);
    await button('申请码包').tap();
    await confirmDialog('10,000 个码');
    let applicationId = '';
    await expect
      .poll(async () => {
        const { applications } = await server.call('listApplications', {});
        applicationId =
          applications.find((a) => a.isvApplicationId !== DEMO.isvApplicationId)?.applicationId ??
          '';
        return applicationId;
      }, WAIT)
      .not.toBe('');
    await session.preview.expectTexts([`已提交申请：10,000 个码（1 万），申请单 ${applicationId}`]);

    // 3. The application page refreshes until WeChat reports FINISH; bob imports the range.
    await phone().getByText(`申请单 ${applicationId}`, { exact: true }).tap();
    await session.preview.expectTexts(['已生成', '未导入']);
    const [range] = (await server.call('listRanges', { applicationId })).application.ranges;
    const label = `${range!.codeStart}–${range!.codeEnd}`;
    await button('导入').tap();
    await phone().getByText('已导入 10,000 个码', { exact: true }).waitFor(LONG_WAIT);
    await session.preview.screenshot('day-02-imported');

    // 4. He exports the print file and downloads it: 10,000 codes, one per line.
    await button('导出').tap();
    await button('生成文件').tap();
    const fileName = `codes-${applicationId}-${range!.codeStart}-${range!.codeEnd}.csv`;
    await phone()
      .getByText(new RegExp(`^\\s*${fileName}（`))
      .waitFor(LONG_WAIT);
    const [download] = await Promise.all([
      session.page.waitForEvent('download', WAIT),
      button('下载').tap(),
    ]);
    expect(download.suggestedFilename()).toBe(fileName);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(csv[0]).toBe('index,code,url');
    expect(csv).toHaveLength(10_001);

    // 5. He activates the range (for the catalogue's product for now), confirming first.
    await button('激活').tap();
    await phone()
      .getByText(`${DEMO.product.title}（${DEMO.product.brand}）`, { exact: true })
      .tap();
    await button('提交激活').tap();
    await confirmDialog('10,000 个');
    await session.preview.expectTexts(['已激活 10,000 个码']);
    await session.preview.screenshot('day-03-activated');

    // 6. He creates the product this range really holds, with a picture and a two-step trace.
    await session.page.click('#nav-back');
    await session.page.click('#nav-back');
    await openArea('商品信息、图片、溯源环节与绑定码段');
    await button('新建商品').first().tap();
    await typeInto('如 山泉水 550ml', PRODUCT.title);
    await typeInto('如 码上山泉', PRODUCT.brand);
    const [chooser] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      phone().getByText('添加图片', { exact: true }).first().tap(),
    ]);
    await chooser.setFiles({ name: 'osmanthus.png', mimeType: 'image/png', buffer: amberPng() });
    await phone().locator('img.wx-image__native').first().waitFor(WAIT);
    await expect
      .poll(
        () =>
          phone()
            .getByText(/^上传中/)
            .count(),
        WAIT,
      )
      .toBe(0);
    for (const [n, name, date] of [
      [0, '采摘', '2026-09-20'],
      [1, '窨制', '2026-09-28'],
    ] as const) {
      await button('添加溯源环节').tap();
      await typeInto('如 原料产地、灌装、质检', name, n);
      await typeInto('如 2025-03-01', date, n);
    }
    await button('创建商品').tap();
    await session.preview.expectTexts(['保存修改']);
    await session.preview.screenshot('day-04-product');

    // 7. He binds it to his new range (not the demo's, which has the same numbers), confirming.
    await button('绑定到码段').tap();
    const card = phone().locator('[class*="range-card"]', { hasText: `申请单 ${applicationId}` });
    await card.getByText('绑定到此码段', { exact: true }).tap();
    await button('绑定').tap();
    await confirmDialog(`扫码后将显示「${PRODUCT.title}」`);
    await session.preview.expectTexts([`已绑定码段 ${label}`]);
    await session.preview.screenshot('day-05-bound');

    // 8. The marketer creates a campaign on that range and starts it.
    await openConsoleAs(DEMO.members.marketer);
    await openArea('预算、金额、时间与风控');
    await button('新建活动').first().tap();
    await session.preview.expectTexts(['参与商品与码段']);
    await typeInto('最多 32 个字', CAMPAIGN);
    const start = chinaParts(Date.now() - 5 * 60_000);
    for (const [picker, value] of [
      ['start-date', start.date],
      ['start-time', start.time],
    ] as const) {
      await phone().locator(cls(picker)).first().tap();
      await session.page.locator('.picker-sheet__input').fill(value);
      await session.page.locator('.picker-sheet__confirm').click();
      await session.preview.expectTexts([value]);
    }
    await typeInto('如 5000', '200');
    await phone()
      .locator('[class*="range-choice"]', { hasText: `申请单 ${applicationId}` })
      .tap();
    await typeInto('用户在转账记录里看到', '开箱奖励');
    await typeInto('报备给微信支付，用户看不到', CAMPAIGN);
    await typeInto('如：扫码即得现金奖励', '开箱扫码得现金');
    await session.preview.screenshot('day-06-campaign-form');
    await button('创建活动').tap();
    await session.preview.expectTexts([CAMPAIGN, '草稿']);
    await button('开始').tap();
    await confirmDialog('开始活动');
    await session.preview.expectTexts(['进行中', '活动已开始']);
    await session.preview.screenshot('day-07-campaign-running');

    // 9. Alice scans a code of bob's range: his product, its trace, the reward; she claims it.
    await session.page.selectOption('#user-select', DEMO.users.alice);
    await session.page.fill('#application-id', applicationId);
    await session.page.fill('#scan-index', String(range!.codeStart + 7));
    await session.page.tap('#scan-button');
    await phone().getByText(PRODUCT.title, { exact: true }).first().waitFor(WAIT);
    await session.preview.expectTexts(['采摘', '窨制', CAMPAIGN]);
    await button('领取奖励').tap();
    await session.page.locator('.dialog--transfer button', { hasText: '确认收款' }).click();
    await session.preview.screenshot('day-08-claimed');
    let code = '';
    await expect
      .poll(async () => {
        const { payouts } = await server.call('listPayouts', {});
        code = payouts[0]?.code ?? '';
        return code;
      }, WAIT)
      .not.toBe('');

    // 10. The marketer finds that payout in 发放记录, then pauses the campaign.
    await openConsoleAs(DEMO.members.marketer);
    await openArea('红包发放状态、按码查询与对账告警');
    await session.preview.expectTexts([`码 ${code}`, CAMPAIGN, '1.00 元']);
    await session.preview.screenshot('day-09-payouts');
    await session.page.click('#nav-back');
    await openArea('预算、金额、时间与风控');
    await phone().getByText(CAMPAIGN, { exact: true }).first().tap();
    await phone()
      .getByText(/^共 1 次领取/)
      .first()
      .waitFor(WAIT);
    await button('暂停').tap();
    await confirmDialog('暂停活动');
    await session.preview.expectTexts(['已暂停', '活动已暂停']);
    await button('恢复').waitFor(WAIT);
    await session.preview.screenshot('day-10-campaign-paused');
    const [campaign] = (await server.call('listCampaigns', {})).campaigns.filter(
      (c) => c.name === CAMPAIGN,
    );
    expect(campaign).toMatchObject({ status: 'paused' });

    // 11. The viewer sees the day's figures and reads every area, with no button that writes.
    await openConsoleAs(DEMO.members.viewer);
    await session.preview.expectTexts([
      '只读成员',
      '今日扫码',
      '今日领取红包',
      '进行中活动剩余预算',
    ]);
    await session.preview.screenshot('day-11-viewer-home');
    await openArea('预算、金额、时间与风控');
    await session.preview.expectTexts([CAMPAIGN, '已暂停']);
    expect(await button('新建活动').count()).toBe(0);
    await phone().getByText(CAMPAIGN, { exact: true }).first().tap();
    await phone()
      .getByText(/^共 1 次领取/)
      .first()
      .waitFor(WAIT);
    for (const write of ['开始', '恢复', '暂停', '结束', '编辑活动']) {
      expect(await button(write).count(), write).toBe(0);
    }
    await session.preview.screenshot('day-12-viewer-campaign');
    await session.page.click('#nav-back');
    await session.page.click('#nav-back');
    await openArea('申请一物一码、下载并解密码包');
    await session.preview.expectTexts([`申请单 ${applicationId}`]);
    expect(await button('申请码包').count()).toBe(0);
    await session.page.click('#nav-back');
    await openArea('商品信息、图片、溯源环节与绑定码段');
    await session.preview.expectTexts([PRODUCT.title]);
    expect(await button('新建商品').count()).toBe(0);
    expect(session.preview.problems).toEqual([]);
  }, 420_000);
});
