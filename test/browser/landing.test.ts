/**
 * The web preview in Debian's Chromium, as a newcomer uses it: open `/preview/` on a stack with the
 * demo seeded, scan a demo code from the control bar (a real ticket from the WeChat simulator), read
 * the landing page, scan the same code again. Screenshots land in test/artifacts/ (git-ignored).
 * Skipped, loudly, without /usr/bin/chromium (see chromium.ts and global-setup.ts). The other
 * verdicts (suspicious, not activated, invalid) are in verdicts.test.ts.
 */
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { hasChromium } from './chromium';
import { WAIT, previewSession } from './preview';

// What the verdict badge says (miniprogram/components/verdict-badge/present.ts): the consumer's
// words for GENUINE_FIRST and for GENUINE_REPEAT when the same person scans again.
const FIRST_SCAN = ['正品验证通过', '你是第一位扫码者', '此码为首次查询'];
const REPEAT_BY_SAME_USER = ['正品验证通过', '你之前查询过此码', '累计查询 2 次'];

describe.skipIf(!hasChromium)('web preview in Chromium', () => {
  const session = previewSession();

  test('scanning a demo code shows the product and the first-scan verdict; scanning it again, the repeat verdict', async () => {
    await session.page.goto(`${session.stack.url}/preview/`);
    // The control bar found the demo application by itself; the phone shows the plain launch.
    await expect
      .poll(() => session.page.inputValue('#application-id'), WAIT)
      .toBe(session.stack.demo?.applicationId);
    await session.preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(await session.page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);

    await session.page.fill('#scan-index', '42');
    expect(await session.page.locator('#scan-button').textContent()).toBe('扫码 第 42 个码');
    await session.page.tap('#scan-button');

    await session.preview.expectTexts([DEMO.product.title]);
    await session.preview.expectTexts([DEMO.product.brand]);
    await session.preview.expectTexts(FIRST_SCAN);
    // The call went to the local stack as alice, through wx.cloud.callFunction.
    expect(await session.page.locator('#call-log li').first().textContent()).toMatch(
      /^scan\.resolve · 200 · \d+ ms · ok$/,
    );
    await session.preview.screenshot('landing-first');

    await session.page.tap('#scan-button');
    await session.preview.expectTexts(REPEAT_BY_SAME_USER);
    await session.preview.expectTexts([DEMO.product.title]);
    await session.preview.screenshot('landing');

    expect(session.preview.problems).toEqual([]);
  });

  test('the admin link opens the admin home page as the chosen user', async () => {
    await session.page.selectOption('#user-select', DEMO.admin);
    await session.preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    await session.page.tap('#admin-link');
    await session.preview.phone().getByText('管理员', { exact: true }).first().waitFor(WAIT);
    expect(await session.page.locator('#nav-title').textContent()).toBe('运营后台');
    // Back to the landing page underneath, as navigateBack would.
    await session.page.tap('#nav-back');
    await session.preview.phone().getByText('扫码验真').first().waitFor(WAIT);
    expect(session.preview.problems).toEqual([]);
  });
});
