/**
 * The web preview in Debian's Chromium, as a newcomer uses it: open `/preview/` on a stack with the
 * demo seeded, scan a demo code from the control bar (a real ticket from the WeChat simulator), read
 * the landing page, scan the same code again. Screenshots land in test/artifacts/ (git-ignored).
 * Skipped, loudly, without /usr/bin/chromium (see chromium.ts and global-setup.ts).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { REPO_ROOT } from '../../local/stack';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';

const ARTIFACTS = path.join(REPO_ROOT, 'test/artifacts');
const WAIT = { timeout: 30_000 };

// What the verdict badge says (miniprogram/components/verdict-badge/present.ts): the consumer's
// words for GENUINE_FIRST and for GENUINE_REPEAT when the same person scans again.
const FIRST_SCAN = ['正品验证通过', '你是第一位扫码者', '此码为首次查询'];
const REPEAT_BY_SAME_USER = ['正品验证通过', '你之前查询过此码', '累计查询 2 次'];

describe.skipIf(!hasChromium)('web preview in Chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  /** The page on top of the phone's page stack. */
  const phone = (): FrameLocator => page.frameLocator('iframe.page-frame:not([hidden])');

  const expectTexts = async (texts: string[]) => {
    for (const text of texts) await phone().getByText(text, { exact: true }).first().waitFor(WAIT);
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ seed: true }), launchChromium()]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // Any script error or failed request in the shell or a page fails the test at the end.
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await mkdir(ARTIFACTS, { recursive: true });
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
    await phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(await page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);

    await page.fill('#scan-index', '42');
    expect(await page.locator('#scan-button').textContent()).toBe('扫码 第 42 个码');
    await page.tap('#scan-button');

    await phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    await phone().getByText(DEMO.product.brand, { exact: true }).first().waitFor(WAIT);
    await expectTexts(FIRST_SCAN);
    // The call went to the local stack as alice, through wx.cloud.callFunction.
    expect(await page.locator('#call-log li').first().textContent()).toMatch(
      /^scan\.resolve · 200 · \d+ ms · ok$/,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'landing-first.png') });

    await page.tap('#scan-button');
    await expectTexts(REPEAT_BY_SAME_USER);
    await phone().getByText(DEMO.product.title, { exact: true }).first().waitFor(WAIT);
    await page.screenshot({ path: path.join(ARTIFACTS, 'landing.png') });

    expect(problems).toEqual([]);
  });

  test('the admin link opens the admin home page as the chosen user', async () => {
    await page.selectOption('#user-select', DEMO.admin);
    await phone().getByText('扫码验真').first().waitFor(WAIT);
    await page.tap('#admin-link');
    await phone().getByText('管理员', { exact: true }).first().waitFor(WAIT);
    expect(await page.locator('#nav-title').textContent()).toBe('运营后台');
    // Back to the landing page underneath, as navigateBack would.
    await page.tap('#nav-back');
    await phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(problems).toEqual([]);
  });
});
