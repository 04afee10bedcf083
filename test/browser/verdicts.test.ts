/**
 * The verdicts landing.test.ts does not reach, in the web preview in Debian's Chromium, as a
 * consumer sees them:
 *
 * - SUSPICIOUS: the demo product allows two people per code (lowered through the admin
 *   `updateProduct` action); alice, bob and a third person, switched in the control bar, scan the
 *   same demo code: genuine, a repeat someone else started, then suspicious.
 * - NOT_ACTIVATED: a second application, imported whole but activated only for its first half;
 *   a code of the other half (looked up through the admin CSV export, as an operator would) typed
 *   into the landing page's manual entry.
 * - INVALID: a well-formed 9-character code no application holds, typed in the same way.
 *
 * Screenshots: test/artifacts/verdict-*.png (git-ignored). Skipped, loudly, without Chromium.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import type { CodeApplicationView } from '../../typings/admin';
import { startTestStack, type TestStack } from '../support/stack';
import { hasChromium, launchChromium, type Browser } from './chromium';
import type { AdminClient } from '../../local/admin-client';
import { WAIT, demoAdmin, previewPage, type Preview } from './preview';

/** More than this many people scanning one code within the window makes it suspicious. */
const MAX_SCANNERS = 2;
/** The demo code the three people scan. */
const SHARED_INDEX = 7;
/** A third person, typed into the control bar as any openid can be. */
const CAROL = 'o-demo-carol';
/** The second application: codes 0–4999 activated, 5000–9999 imported only. */
const SECOND = { isvApplicationId: 'browser-verdicts-002', activated: 5_000, pick: 7_000 };
/** Well-formed (9 printable characters) and held by no application (scan-resolve.test.ts). */
const UNKNOWN_CODE = 'ZZZZZZZZZ';

// What the verdict badge says (miniprogram/components/verdict-badge/present.ts).
const FIRST_SCAN = ['正品验证通过', '你是第一位扫码者', '此码为首次查询'];
const REPEAT_BY_ANOTHER_USER = [
  '正品验证通过',
  '此码已被查询 2 次',
  '累计查询 2 次',
  '共 2 人查询过',
  '如果首次查询不是你本人，请留意包装是否被拆封或调换',
];
const SUSPICIOUS = [
  '疑似风险码',
  '此码查询记录异常，请谨慎辨别',
  '被多位不同的用户查询',
  '累计查询 3 次',
  '共 3 人查询过',
  '建议通过品牌官方渠道核实商品来源',
];
const NOT_ACTIVATED = [
  '防伪码未激活',
  '此码尚未激活',
  '商品可能尚未完成出厂登记，请向购买渠道或品牌方核实',
];
const INVALID = [
  '未查到此防伪码',
  '此码不在品牌登记范围内',
  '请核对防伪码是否输入正确，谨防假冒商品',
];

/** Refreshes the application until WeChat reports FINISH (immediate with finishDelayMs 0). */
async function untilReady(
  admin: AdminClient,
  application: CodeApplicationView,
): Promise<CodeApplicationView> {
  const deadline = Date.now() + 10_000;
  let current = application;
  while (!current.ready) {
    if (Date.now() > deadline) throw new Error(`application still ${current.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    current = await admin.call('refreshApplication', { applicationId: current.applicationId });
  }
  return current;
}

/**
 * Applies for, imports and half-activates the second application; returns its id and the code at
 * index `SECOND.pick`, read from the admin CSV export (index,code,url).
 */
async function secondApplication(
  admin: AdminClient,
): Promise<{ applicationId: string; inactiveCode: string }> {
  const applied = await admin.call('applyCodes', {
    count: 10_000,
    isvApplicationId: SECOND.isvApplicationId,
  });
  const application = await untilReady(admin, applied.application);
  const { applicationId } = application;
  const range = application.ranges[0];
  if (!range) throw new Error(`application ${applicationId} has no code range`);
  await admin.call('importRange', { applicationId, ...range });
  await admin.call('activateRange', {
    applicationId,
    codeStart: range.codeStart,
    codeEnd: range.codeStart + SECOND.activated - 1,
    activityName: '码上山泉 · 第二批',
    productBrand: DEMO.product.brand,
    productTitle: `${DEMO.product.title}（第二批）`,
    productCode: DEMO.product.ean,
    wxaPath: DEMO.wxaPath,
  });

  const index = range.codeStart + SECOND.pick;
  const { segments } = await admin.call('listRanges', { applicationId });
  const segment = segments.find((s) => s.codeStart <= index && index <= s.codeEnd);
  expect(segment?.state).toBe('not_activated');

  const exported = await admin.call('exportRange', {
    applicationId,
    ...range,
    from: index,
    to: index,
    formats: ['csv'],
  });
  const csv = exported.files[0];
  if (!csv) throw new Error('the export made no file');
  const text = await (await fetch(csv.url)).text();
  const row = text.split('\r\n').find((line) => line.startsWith(`${index},`));
  const code = row?.split(',')[1];
  if (!code) throw new Error(`no code ${index} in the export:\n${text}`);
  return { applicationId, inactiveCode: code };
}

describe.skipIf(!hasChromium)('web preview in Chromium: every other verdict', () => {
  let stack: TestStack;
  let browser: Browser;
  let preview: Preview;
  let page: Page;
  let second: { applicationId: string; inactiveCode: string };

  beforeAll(async () => {
    const prepared = async () => {
      // No 2 s wait for WeChat's FINISH, for the demo seed or the second application.
      const started = await startTestStack({ seed: true, wechat: { finishDelayMs: 0 } });
      const admin = demoAdmin(started);
      const productId = started.demo!.productId;
      const updated = await admin.call('updateProduct', {
        productId,
        suspicion: { maxScanners: MAX_SCANNERS },
      });
      expect(updated.product.suspicion.maxScanners).toBe(MAX_SCANNERS);
      return { started, second: await secondApplication(admin) };
    };
    let ready: Awaited<ReturnType<typeof prepared>>;
    [ready, browser] = await Promise.all([prepared(), launchChromium()]);
    ({ started: stack, second } = ready);
    preview = await previewPage(browser);
    page = preview.page;
    await page.goto(`${stack.url}/preview/`);
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.destroy();
  });

  /** Switches the phone to another person: the Mini Program reopens plainly. */
  const holdPhone = async (openid: string, typed = false) => {
    if (typed) {
      await page.fill('#user-custom', openid);
      await page.press('#user-custom', 'Enter');
    } else {
      await page.selectOption('#user-select', openid);
    }
    expect(await page.locator('#user-select').inputValue()).toBe(openid);
    await preview.phone().getByText('扫码验真').first().waitFor(WAIT);
  };

  const scanShared = async (openid: string) => {
    await page.tap('#scan-button');
    await expect
      .poll(() => page.locator('#scan-status').textContent(), WAIT)
      .toContain(`${openid} 扫了第 ${SHARED_INDEX} 个码`);
  };

  /** Opens the landing page plainly, types the code into 防伪码 and taps 查询. */
  const enterCode = async (code: string) => {
    await page.tap('#plain-launch');
    await preview.phone().getByText('没有二维码？手动输入防伪码').waitFor(WAIT);
    const field = preview.phone().getByPlaceholder('请输入 9 位防伪码');
    await field.tap();
    await field.pressSequentially(code);
    // The button, not its label: vant's press overlay (::before) covers the label, as on a phone.
    await preview
      .phone()
      .locator('wx-button')
      .filter({ hasText: /^\s*查询\s*$/ })
      .tap();
    await preview.expectTexts([`防伪码 ${code}`, '来源 手动输入']);
  };

  test(`three people scan one demo code: genuine, a repeat, then suspicious (over ${MAX_SCANNERS} people)`, async () => {
    // The control bar offers the latest activated range (the second application's first half):
    // the demo application is typed in instead.
    await expect.poll(() => page.inputValue('#application-id'), WAIT).toBe(second.applicationId);
    await page.fill('#application-id', stack.demo!.applicationId);
    await page.fill('#scan-index', String(SHARED_INDEX));
    expect(await page.locator('#user-select').inputValue()).toBe(DEMO.users.alice);

    await scanShared(DEMO.users.alice);
    await preview.expectTexts([...FIRST_SCAN, DEMO.product.title]);
    await preview.screenshot('verdict-genuine-first');

    await holdPhone(DEMO.users.bob);
    await scanShared(DEMO.users.bob);
    await preview.expectTexts([...REPEAT_BY_ANOTHER_USER, DEMO.product.title]);
    await preview.screenshot('verdict-genuine-repeat');

    await holdPhone(CAROL, true);
    await scanShared(CAROL);
    await preview.expectTexts([...SUSPICIOUS, DEMO.product.title]);
    await preview.screenshot('verdict-suspicious');

    expect(preview.problems).toEqual([]);
  });

  test('a code imported but never activated, typed in by hand, is not activated', async () => {
    await enterCode(second.inactiveCode);
    await preview.expectTexts(NOT_ACTIVATED);
    // Nothing about a product the brand never registered for this code.
    expect(await preview.phone().getByText(DEMO.product.title).count()).toBe(0);
    expect(await page.locator('#call-log li').first().textContent()).toMatch(
      /^scan\.verify · 200 · \d+ ms · ok$/,
    );
    await preview.screenshot('verdict-not-activated');
    expect(preview.problems).toEqual([]);
  });

  test('a well-formed code no application holds, typed in by hand, is invalid', async () => {
    await enterCode(UNKNOWN_CODE);
    await preview.expectTexts(INVALID);
    expect(await preview.phone().getByText(DEMO.product.title).count()).toBe(0);
    await preview.screenshot('verdict-invalid');
    expect(preview.problems).toEqual([]);
  });
});
