/**
 * The web preview in Debian's Chromium, as a newcomer uses it: open `/preview/` on a stack with the
 * demo seeded, scan a demo code from the control bar (a real ticket from the WeChat simulator), read
 * the landing page, scan the same code again. Screenshots land in test/artifacts/ (git-ignored).
 * Skipped, loudly, without /usr/bin/chromium (see chromium.ts and global-setup.ts). The other
 * verdicts (suspicious, not activated, invalid) are in verdicts.test.ts.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import { WAIT, previewPage, type Preview } from './preview';

// What the verdict badge says (miniprogram/components/verdict-badge/present.ts): the consumer's
// words for GENUINE_FIRST and for GENUINE_REPEAT when the same person scans again.
const FIRST_SCAN = ['正品验证通过', '你是第一位扫码者', '此码为首次查询'];
const REPEAT_BY_SAME_USER = ['正品验证通过', '你之前查询过此码', '累计查询 2 次'];

describe.skipIf(!hasChromium)('web preview in Chromium', () => {
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

  test('scanning a demo code shows the product and the first-scan verdict; scanning it again, the repeat verdict', async () => {
    await page.goto(`${stack.url}/preview/`);
    // The control bar found the demo application by itself; the phone shows the plain launch.
    await expect
      .poll(() => page.inputValue('#application-id'), WAIT)
      .toBe(stack.demo?.applicationId);
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(await page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);

    await page.fill('#scan-index', '42');
    expect(await page.locator('#scan-button').textContent()).toBe('扫码 第 42 个码');
    await page.tap('#scan-button');

    await preview.phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    await preview.phone().getByText(DEMO.product.brand, { exact: true }).first().waitFor(WAIT);
    await preview.expectTexts(FIRST_SCAN);
    // The call went to the local stack as alice, through wx.cloud.callFunction.
    expect(await page.locator('#call-log li').first().textContent()).toMatch(
      /^scan\.resolve · 200 · \d+ ms · ok$/,
    );
    await preview.screenshot('landing-first');

    await page.tap('#scan-button');
    await preview.expectTexts(REPEAT_BY_SAME_USER);
    await preview.phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    await preview.screenshot('landing');

    expect(preview.problems).toEqual([]);
  });

  test('the admin link opens the admin home page as the chosen user', async () => {
    await page.selectOption('#user-select', DEMO.admin);
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    await page.tap('#admin-link');
    await preview.phone().getByText('管理员', { exact: true }).first().waitFor(WAIT);
    expect(await page.locator('#nav-title').textContent()).toBe('运营后台');
    // Back to the landing page underneath, as navigateBack would.
    await page.tap('#nav-back');
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(preview.problems).toEqual([]);
  });
});
