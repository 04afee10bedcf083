/**
 * 渠道二维码 in the web preview (issue 11, points 7 and 8): the stack's administrator creates a
 * temporary channel QR code with a tag and two replies (a text and a picture uploaded from the
 * "phone"), opens its details (the QR drawn, no figures yet); a new user scans it from the control
 * bar's 公众号 section and follows; the user's chat shows both replies in order and the user is
 * tagged; the details then read 1 scan and 1 new follower. Skipped, loudly, without
 * /usr/bin/chromium.
 */
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import { WAIT, adminCaller, previewPage, type Preview } from './preview';

const cls = (name: string): string =>
  `[class~="${name}"], [class*="--${name} "], [class$="--${name}"]`;

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

describe.skipIf(!hasChromium)('web preview: 渠道二维码', () => {
  let stack: TestStack;
  let browser: Browser;
  let preview: Preview;
  let page: Page;

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ seed: true }), launchChromium()]);
    preview = await previewPage(browser);
    page = preview.page;
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.destroy();
  });

  const phone = () => preview.phone();
  const typeInto = async (placeholder: string, text: string) => {
    const field = phone().getByPlaceholder(placeholder);
    await field.tap();
    await field.fill(text);
  };
  const metric = (key: string) =>
    phone()
      .locator(cls(`metric-${key}`))
      .locator(cls('metric__value'))
      .first();

  test('create with a tag and two replies, scan as a new user, see the greeting and the figures', async () => {
    await page.goto(`${stack.url}/preview/`);
    await page.locator(`#user-select option[value="${DEMO.admin}"]`).waitFor({
      state: 'attached',
      ...WAIT,
    });
    await page.selectOption('#user-select', DEMO.admin);
    await page.click('#admin-link');
    await preview.expectTexts(['公众号渠道码与关注统计']);
    await phone().getByText('公众号渠道码与关注统计', { exact: true }).tap();

    // No code yet: the empty state offers to create one.
    await preview.expectTexts(['还没有渠道二维码']);
    await preview.screenshot('channel-qr-empty');
    await preview.phoneButton('新建渠道码').first().tap();
    await preview.expectTexts(['基本信息', '用户标签', '扫码回复']);

    await typeInto('如：上海门店海报', NAME);
    await typeInto('如：门店、海报、直播、包裹（选填）', '门店');
    // A tag over WeChat's 30 bytes is refused as it is typed.
    await typeInto('输入标签后点添加', '一二三四五六七八九十一');
    await preview.expectTexts(['标签最多 30 字节（约 10 个汉字），当前 33 字节']);
    await typeInto('输入标签后点添加', TAG);
    await preview.phoneButton('添加').tap();
    await preview.expectTexts([TAG]);

    // Reply 1: text with its character count; reply 2: a picture uploaded from the phone.
    await typeInto('回复文字，支持表情、换行、链接和小程序链接', GREETING);
    await expect
      .poll(() => phone().locator(cls('text-count')).first().textContent(), WAIT)
      .toContain(`${GREETING.length}/2000`);
    await phone().getByText('＋ 添加回复内容', { exact: true }).tap();
    await page.locator('.picker-sheet__option', { hasText: '图片' }).click();
    await page.locator('.picker-sheet__confirm').click();
    await preview.expectTexts(['第 2 条 · 图片']);
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser', WAIT),
      preview.phoneButton('选择或上传').first().tap(),
    ]);
    await chooser.setFiles({ name: 'welcome.png', mimeType: 'image/png', buffer: welcomePng() });
    await preview.phoneButton('更换').first().waitFor(WAIT);
    await preview.screenshot('channel-qr-form');

    await preview.phoneButton('创建二维码').tap();
    await preview.expectTexts([NAME, '生效中', TAG, '1. 文字', '2. 图片']);
    await expect.poll(async () => (await metric('scans').textContent())?.trim(), WAIT).toBe('0');
    const admin = adminCaller(stack);
    const [qr] = (await admin('listChannelQrs', { keyword: NAME })).qrs;
    expect(qr).toMatchObject({
      name: NAME,
      type: 'temporary',
      status: 'active',
      channel: '门店',
      tagNames: [TAG],
      replies: { enabled: true, items: [{ kind: 'text', text: GREETING }, { kind: 'image' }] },
    });
    await preview.expectTexts([qr!.url]);
    // The QR drawn on the canvas encodes the code's URL (members page draws invites the same way).
    expect(await phone().locator('canvas').count()).toBe(1);
    await preview.screenshot('channel-qr-details');

    // A new user scans the code from the control bar and follows.
    await page.fill('#user-custom', NEWCOMER);
    await page.press('#user-custom', 'Enter');
    await page.click('#oa-refresh');
    await page
      .locator(`#oa-qr-select option[value="${qr!.ticket}"]`)
      .waitFor({ state: 'attached', ...WAIT });
    await page.selectOption('#oa-qr-select', qr!.ticket);
    await page.click('#oa-scan');
    await expect.poll(() => page.locator('#oa-status').textContent(), WAIT).toContain('subscribe');
    const messages = page.locator('#oa-chat .oa-msg');
    await expect.poll(() => messages.count(), WAIT).toBe(2);
    expect(await messages.nth(0).textContent()).toBe(GREETING);
    expect(await messages.nth(0).getAttribute('class')).toContain('oa-msg--text');
    expect(await messages.nth(1).getAttribute('class')).toContain('oa-msg--image');
    await expect
      .poll(() => page.locator('#oa-chat .oa-chat__head').textContent(), WAIT)
      .toContain(`已关注 · 标签：${TAG}`);
    await page.locator('#oa-chat').scrollIntoViewIfNeeded();
    await preview.screenshot('channel-qr-greeted');

    // Back as the administrator: the details read the scan and the new follower.
    await page.selectOption('#user-select', DEMO.admin);
    await page.fill('#open-link', `/admin/pages/channel-qr/detail/index?qrId=${qr!.qrId}`);
    await page.click('#open-link-button');
    await preview.expectTexts([NAME]);
    await expect.poll(async () => (await metric('scans').textContent())?.trim(), WAIT).toBe('1');
    expect((await metric('scanners').textContent())?.trim()).toBe('1');
    expect((await metric('newFollowers').textContent())?.trim()).toBe('1');
    expect((await metric('repliesSent').textContent())?.trim()).toBe('1');
    expect((await metric('repliesReceived').textContent())?.trim()).toBe('1');
    await preview.screenshot('channel-qr-metrics');
    expect(preview.problems).toEqual([]);
  }, 240_000);
});
