/**
 * 渠道二维码 in the web preview (issue 11, points 5–8): the stack's administrator creates a
 * temporary channel QR code with a tag and two replies (a text and a picture uploaded from the
 * "phone"), opens its details (the QR drawn, no figures yet); a new user scans it from the control
 * bar's 公众号 section and follows; the user's chat shows both replies in order and the user is
 * tagged; the details then read 1 scan and 1 new follower. Then, after two more scripted scans,
 * the operator opens 扫码用户 (newest first, either order), exports them and gets the CSV by its
 * link, leaves and comes back to the export, saves an audience, and downloads the QR image with
 * the logo to the album, which decodes to the code's URL. Last, 上传 Logo: a logo picked on the
 * phone is uploaded for the batch, and both the saved image and the list's zip decode with its
 * colour in the centre. Skipped, loudly, without /usr/bin/chromium.
 */
import { readFile } from 'node:fs/promises';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { unzip } from '../support/zip';
import { hasChromium } from './chromium';
import { WAIT, cls, demoAdmin, lineCount, previewSession } from './preview';

/** A small green square: the welcome picture the operator "takes" with the phone. */
function welcomePng(): Buffer {
  const png = new PNG({ width: 48, height: 48 });
  for (let at = 0; at < png.data.length; at += 4) {
    png.data[at] = 7;
    png.data[at + 1] = 193;
    png.data[at + 2] = 96;
    png.data[at + 3] = 255;
  }
  return PNG.sync.write(png);
}

const NAME = '浏览器门店海报';
const TAG = '门店新客';
const GREETING = '欢迎关注码上！\n到店出示本消息领取新人礼';
const NEWCOMER = 'o-oa-newcomer';
const SHOPPERS = ['o-oa-shopper-1', 'o-oa-shopper-2'];
const AUDIENCE = '浏览器门店首批';

const LOGO_BLUE = [0, 90, 200];
const LOGO_GREEN = [20, 160, 60];

/** A square of one colour: the brand logo the operator picks on the phone. */
function solidPng(rgb: number[], size = 96): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let at = 0; at < png.data.length; at += 4) png.data.set([...rgb, 255], at);
  return PNG.sync.write(png);
}

/** The colour in the middle of a PNG, where the logo sits. */
function centrePixel(bytes: Buffer): number[] {
  const png = PNG.sync.read(bytes);
  const at = ((png.height >> 1) * png.width + (png.width >> 1)) * 4;
  return [...png.data.subarray(at, at + 3)];
}

/** What the QR code in a PNG says (jsQR reads RGBA pixels). */
function decodePng(bytes: Buffer): string | undefined {
  const png = PNG.sync.read(bytes);
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

describe.skipIf(!hasChromium)('web preview: 渠道二维码', () => {
  const session = previewSession();

  const phone = () => session.preview.phone();
  const typeInto = async (placeholder: string, text: string) => {
    const field = phone().getByPlaceholder(placeholder);
    await field.tap();
    await field.fill(text);
  };
  /** The code the first test made, for the tests after it. */
  let made: { qrId: string; url: string; sceneStr: string; ticket: string } | undefined;
  const clipboard = () =>
    session.page.evaluate(
      () =>
        (
          globalThis as { __mashangDevice?: { clipboard(): string } }
        ).__mashangDevice?.clipboard() ?? '',
    );
  const confirmDialog = async (title: string) => {
    await session.page.locator('.dialog__title', { hasText: title }).waitFor(WAIT);
    await session.page.locator('.dialog__confirm').click();
  };
  const texts = (name: string) => phone().locator(cls(name)).allTextContents();
  const metric = (key: string) =>
    phone()
      .locator(cls(`metric-${key}`))
      .locator(cls('metric__value'))
      .first();

  test('create with a tag and two replies, scan as a new user, see the greeting and the figures', async () => {
    await session.openConsole();
    await session.preview.expectTexts(['公众号渠道码与关注统计']);
    await phone().getByText('公众号渠道码与关注统计', { exact: true }).tap();

    // No code yet: the empty state offers to create one.
    await session.preview.expectTexts(['还没有渠道二维码']);
    await session.preview.screenshot('channel-qr-empty');
    await session.preview.phoneButton('新建渠道码').first().tap();
    await session.preview.expectTexts(['基本信息', '用户标签', '扫码回复']);

    await typeInto('如：上海门店海报', NAME);
    await typeInto('如：门店、海报、直播、包裹（选填）', '门店');
    // A tag over WeChat's 30 bytes is refused as it is typed.
    await typeInto('输入标签后点添加', '一二三四五六七八九十一');
    await session.preview.expectTexts(['标签最多 30 字节（约 10 个汉字），当前 33 字节']);
    await typeInto('输入标签后点添加', TAG);
    await session.preview.phoneButton('添加').tap();
    await session.preview.expectTexts([TAG]);
    // Added: the form empties the tag field, and the field shows it empty (WeChat applies the
    // cleared value even though vant's inner input was last given '' too).
    await expect
      .poll(() => phone().getByPlaceholder('输入标签后点添加').inputValue(), WAIT)
      .toBe('');

    // Reply 1: text with its character count; reply 2: a picture uploaded from the phone.
    await typeInto('回复文字，支持表情、换行、链接和小程序链接', GREETING);
    await expect
      .poll(() => phone().locator(cls('text-count')).first().textContent(), WAIT)
      .toContain(`${GREETING.length}/2000`);
    await phone().getByText('＋ 添加回复内容', { exact: true }).tap();
    await session.page.locator('.picker-sheet__option', { hasText: '图片' }).click();
    await session.page.locator('.picker-sheet__confirm').click();
    await session.preview.expectTexts(['第 2 条 · 图片']);
    // The material hub opens first (empty on a fresh stack); the picture comes from the phone.
    await session.preview.phoneButton('选择或上传').first().tap();
    await session.preview.expectTexts(['素材库还没有图片']);
    await session.preview.screenshot('channel-qr-material-picker');
    const [chooser] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      session.preview.phoneButton('从手机上传图片').tap(),
    ]);
    await chooser.setFiles({ name: 'welcome.png', mimeType: 'image/png', buffer: welcomePng() });
    await session.preview.phoneButton('更换').first().waitFor(WAIT);
    // The list re-rendered twice: reply 1 still shows its text, not only its counter.
    expect(
      await phone().getByPlaceholder('回复文字，支持表情、换行、链接和小程序链接').inputValue(),
    ).toBe(GREETING);
    await session.preview.screenshot('channel-qr-form');

    await session.preview.phoneButton('创建二维码').tap();
    await session.preview.expectTexts([NAME, '生效中', TAG, '1. 文字', '2. 图片']);
    await expect.poll(async () => (await metric('scans').textContent())?.trim(), WAIT).toBe('0');
    const admin = demoAdmin(session.stack);
    const [qr] = (await admin.call('listChannelQrs', { keyword: NAME })).qrs;
    expect(qr).toMatchObject({
      name: NAME,
      type: 'temporary',
      status: 'active',
      channel: '门店',
      tagNames: [TAG],
      replies: { enabled: true, items: [{ kind: 'text', text: GREETING }, { kind: 'image' }] },
    });
    await session.preview.expectTexts([qr!.url]);
    // The QR drawn on the canvas encodes the code's URL (members page draws invites the same way).
    expect(await phone().locator('canvas').count()).toBe(1);
    await session.preview.screenshot('channel-qr-details');

    // A new user scans the code from the control bar and follows.
    await session.page.fill('#user-custom', NEWCOMER);
    await session.page.press('#user-custom', 'Enter');
    await session.page.click('#oa-refresh');
    await session.page
      .locator(`#oa-qr-select option[value="${qr!.ticket}"]`)
      .waitFor({ state: 'attached', ...WAIT });
    await session.page.selectOption('#oa-qr-select', qr!.ticket);
    await session.page.click('#oa-scan');
    await expect
      .poll(() => session.page.locator('#oa-status').textContent(), WAIT)
      .toContain('subscribe');
    const messages = session.page.locator('#oa-chat .oa-msg');
    await expect.poll(() => messages.count(), WAIT).toBe(2);
    expect(await messages.nth(0).textContent()).toBe(GREETING);
    expect(await messages.nth(0).getAttribute('class')).toContain('oa-msg--text');
    expect(await messages.nth(1).getAttribute('class')).toContain('oa-msg--image');
    await expect
      .poll(() => session.page.locator('#oa-chat .oa-chat__head').textContent(), WAIT)
      .toContain(`已关注 · 标签：${TAG}`);
    await session.page.locator('#oa-chat').scrollIntoViewIfNeeded();
    await session.preview.screenshot('channel-qr-greeted');

    // Back as the administrator: the details read the scan and the new follower.
    await session.page.selectOption('#user-select', DEMO.admin);
    await session.page.fill('#open-link', `/admin/pages/channel-qr/detail/index?qrId=${qr!.qrId}`);
    await session.page.click('#open-link-button');
    await session.preview.expectTexts([NAME]);
    await expect.poll(async () => (await metric('scans').textContent())?.trim(), WAIT).toBe('1');
    expect((await metric('scanners').textContent())?.trim()).toBe('1');
    expect((await metric('newFollowers').textContent())?.trim()).toBe('1');
    expect((await metric('repliesSent').textContent())?.trim()).toBe('1');
    expect((await metric('repliesReceived').textContent())?.trim()).toBe('1');
    await session.preview.screenshot('channel-qr-metrics');
    expect(session.preview.problems).toEqual([]);
    made = qr;
  }, 240_000);

  test('scanned users after scripted scans, their export by link, an audience, the image saved', async () => {
    const qr = made;
    expect(qr, 'the first test made the code').toBeDefined();
    // Two more users scan and follow, a second apart (scan time orders the list).
    for (const openid of SHOPPERS) {
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const response = await fetch(`${session.stack.url}/wechat/_sim/oa/scan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ openid, scene: qr!.sceneStr, ticket: qr!.ticket }),
      });
      expect(response.status).toBe(200);
    }

    await session.page.fill('#open-link', `/admin/pages/channel-qr/detail/index?qrId=${qr!.qrId}`);
    await session.page.click('#open-link-button');
    await expect.poll(async () => (await metric('scanners').textContent())?.trim(), WAIT).toBe('3');
    await session.preview.phoneButton('扫码用户 · 导出 · 人群').tap();

    // Newest first, then oldest first; each with the code's tag and the welcome's status.
    const openids = () => texts('scanner-openid').then((all) => all.map((t) => t.trim()));
    await expect.poll(openids, WAIT).toEqual([SHOPPERS[1], SHOPPERS[0], NEWCOMER]);
    expect((await texts('scanner-tag')).map((t) => t.trim())).toEqual([TAG, TAG, TAG]);
    expect((await texts('scanner-reply')).map((t) => t.trim())).toEqual([
      '回复已发送',
      '回复已发送',
      '回复已发送',
    ]);
    await session.preview.screenshot('channel-qr-scanners');
    await phone().locator(cls('order-toggle')).tap();
    await expect.poll(openids, WAIT).toEqual([NEWCOMER, SHOPPERS[0], SHOPPERS[1]]);

    // Export the list: three rows fit the first file, written before the action answers.
    await session.preview.phoneButton('导出全部').tap();
    await confirmDialog('导出扫码用户');
    await session.preview.expectTexts(['已完成', '已导出 3 行，共 1 个文件']);
    await session.preview.screenshot('channel-qr-export-done');
    await phone().locator(cls('copy-file-link')).first().tap();
    const link = await clipboard();
    expect(link).toContain('/storage/objects/exports/');
    const csv = (await (await fetch(link)).text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(csv[0]).toBe('OpenID,粉丝标签,扫码时间,回复状态');
    // Exported in the order on screen: oldest first.
    expect(csv.slice(1).map((row) => row.split(',')[0])).toEqual([NEWCOMER, ...SHOPPERS]);

    // Leaving and coming back shows the export again, its link fresh.
    await session.page.click('#nav-back');
    await session.preview.phoneButton('扫码用户 · 导出 · 人群').tap();
    await session.preview.expectTexts(['已导出 3 行，共 1 个文件']);

    // An audience: the frozen list of the three.
    const field = phone().getByPlaceholder('人群名称（选填）');
    await field.tap();
    await field.fill(AUDIENCE);
    await session.preview.phoneButton('保存为人群').tap();
    await session.page
      .locator('.dialog__content', { hasText: '之后新扫码的用户不会加入' })
      .waitFor(WAIT);
    await session.page.locator('.dialog__confirm').click();
    await session.preview.expectTexts([AUDIENCE, '3 人']);
    // Saved: the page empties the name, and the field no longer shows what was typed.
    await expect.poll(() => field.inputValue(), WAIT).toBe('');
    await session.preview.screenshot('channel-qr-audience');

    // The image, large with the logo, saved to the album (WeChat asks for the album once).
    await session.page.click('#nav-back');
    await phone().locator(cls('size-large')).tap();
    await phone().locator(cls('logo-switch')).locator(cls('van-switch')).first().tap();
    await session.preview.phoneButton('生成图片').tap();
    await phone().locator(cls('image-meta')).waitFor(WAIT);
    expect(await phone().locator(cls('image-meta')).textContent()).toContain('.png');
    await session.preview.screenshot('channel-qr-image');
    // WeChat's toast lasts 1.5 s: watched from before the tap, so a slow machine cannot miss it.
    const [download] = await Promise.all([
      session.page.waitForEvent('download', WAIT),
      session.page.locator('.toast__text', { hasText: '已保存到相册' }).waitFor(WAIT),
      (async () => {
        await session.preview.phoneButton('保存到相册').tap();
        await confirmDialog('「码上」申请');
      })(),
    ]);
    const png = await readFile((await download.path())!);
    expect(PNG.sync.read(png).width).toBe(1280);
    expect(decodePng(png)).toBe(qr!.url);
    expect(session.preview.problems).toEqual([]);
  }, 240_000);

  test('上传 Logo: the batch logo uploaded from the phone is in the saved image and the zip', async () => {
    const qr = made;
    expect(qr, 'the first test made the code').toBeDefined();
    await session.page.fill('#open-link', `/admin/pages/channel-qr/detail/index?qrId=${qr!.qrId}`);
    await session.page.click('#open-link-button');
    await session.preview.expectTexts([NAME]);
    await phone().locator(cls('logo-switch')).locator(cls('van-switch')).first().tap();
    await session.preview.expectTexts(['本批下载使用品牌 Logo']);
    const [chooser] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      session.preview.phoneButton('上传 Logo').tap(),
    ]);
    await chooser.setFiles({
      name: 'brand.png',
      mimeType: 'image/png',
      buffer: solidPng(LOGO_BLUE),
    });
    await session.preview.expectTexts(['本批下载使用上传的 Logo']);
    await session.preview.phoneButton('移除').waitFor(WAIT);
    expect(await phone().locator(cls('logo-thumb--default')).count()).toBe(0);

    await session.preview.phoneButton('生成图片').tap();
    await phone().locator(cls('image-meta')).waitFor(WAIT);
    expect(await phone().locator(cls('image-meta')).textContent()).toContain('430px-logo.png');
    await session.preview.screenshot('channel-qr-logo');
    const [download] = await Promise.all([
      session.page.waitForEvent('download', WAIT),
      session.page.locator('.toast__text', { hasText: '已保存到相册' }).waitFor(WAIT),
      session.preview.phoneButton('保存到相册').tap(),
    ]);
    const png = await readFile((await download.path())!);
    expect(decodePng(png)).toBe(qr!.url);
    expect(centrePixel(png)).toEqual(LOGO_BLUE);

    // The list's batch download: a logo uploaded from its batch bar is in the zip's images. (In
    // WeChat the pages share the one batch logo; the preview runs each page in its own document.)
    await session.page.fill('#open-link', '/admin/pages/channel-qr/index');
    await session.page.click('#open-link-button');
    await phone().locator(cls('qr-check')).first().tap();
    const [listChooser] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      session.preview.phoneButton('上传 Logo').tap(),
    ]);
    await listChooser.setFiles({
      name: 'brand-green.png',
      mimeType: 'image/png',
      buffer: solidPng(LOGO_GREEN),
    });
    await session.preview.expectTexts(['本批下载使用上传的 Logo', '已选 1 个']);
    // The count whole on one line beside the bar's four buttons (it broke before 个).
    expect(await lineCount(phone().locator(cls('batch-count')))).toBe(1);
    await session.preview.screenshot('channel-qr-batch-logo');
    await session.preview.phoneButton('下载图片').tap();
    await session.page
      .locator('.action-sheet__item', { hasText: '中 430px · 带上传的 Logo' })
      .click();
    await confirmDialog('文件已生成');
    const link = await clipboard();
    expect(link).toContain('-logo.zip');
    const entries = unzip(Buffer.from(await (await fetch(link)).arrayBuffer()));
    expect(entries).toHaveLength(1);
    expect(decodePng(entries[0]!.content)).toBe(qr!.url);
    expect(centrePixel(entries[0]!.content)).toEqual(LOGO_GREEN);
    expect(session.preview.problems).toEqual([]);
  }, 240_000);
});
