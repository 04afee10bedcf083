/**
 * 码包 in the web preview (issue 10, point 2): the stack's administrator opens 码包 from the
 * console home, applies for 10,000 codes (confirming WeChat's order), opens the application and
 * waits while the page refreshes it to FINISH, imports its range, exports the CSV, copies its
 * link and downloads it (the file holds the codes), activates the range for the demo product,
 * reads the range map, and looks up a code from the CSV. Skipped, loudly, without Chromium.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import { hasChromium } from './chromium';
import { WAIT, demoAdmin, lineCount, previewSession } from './preview';

const LONG_WAIT = { timeout: 90_000 };

describe.skipIf(!hasChromium)('web preview: 码包', () => {
  const session = previewSession();

  const phoneButton = (label: string) => session.preview.phoneButton(label);
  const confirmDialog = () => session.page.locator('.dialog__confirm').click();
  test('apply, wait for FINISH, import, export and download, activate, map, look up', async () => {
    const admin = demoAdmin(session.stack);
    await session.openConsole();
    await session.preview.expectTexts(['申请一物一码、下载并解密码包']);
    await session.preview.phone().getByText('申请一物一码、下载并解密码包', { exact: true }).tap();

    // The demo's application is listed; apply for another 10,000.
    await session.preview.expectTexts([
      `订单号 ${DEMO.isvApplicationId}`,
      '共 10,000 个码（1 万）',
    ]);
    await session.preview.screenshot('codes-list');
    await phoneButton('申请码包').tap();
    await session.page.locator('.dialog__content', { hasText: '10,000 个码' }).waitFor(WAIT);
    await session.preview.screenshot('codes-apply-confirm');
    await confirmDialog();

    const { applications } = await (async () => {
      for (let i = 0; i < 50; i += 1) {
        const listed = await admin.call('listApplications', {});
        if (listed.applications.length > 1) return listed;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the new application never appeared');
    })();
    const made = applications.find((a) => a.isvApplicationId !== DEMO.isvApplicationId)!;
    expect(made.codeCount).toBe(10_000);
    expect(made.isvApplicationId).toMatch(/^MS\d{14}-[0-9a-z]{8}$/);
    await session.preview.expectTexts([
      `已提交申请：10,000 个码（1 万），申请单 ${made.applicationId}`,
    ]);
    await session.preview.screenshot('codes-applied');

    // The application page refreshes the status by itself until WeChat reports FINISH.
    await session.preview.phone().getByText(`申请单 ${made.applicationId}`, { exact: true }).tap();
    await session.preview.expectTexts(['已生成', '未导入']);
    const { application } = await admin.call('listRanges', { applicationId: made.applicationId });
    const [range] = application.ranges;
    const label = `${range!.codeStart}–${range!.codeEnd}`;
    await session.preview.expectTexts([label, '未激活 10,000 个码']);
    await session.preview.screenshot('codes-application-finished');

    await phoneButton('导入').tap();
    await session.preview
      .phone()
      .getByText('已导入 10,000 个码', { exact: true })
      .waitFor(LONG_WAIT);
    await session.preview.expectTexts(['已导入 10,000 个']);
    await session.preview.screenshot('codes-imported');

    await phoneButton('导出').tap();
    await phoneButton('生成文件').tap();
    const fileName = `codes-${made.applicationId}-${range!.codeStart}-${range!.codeEnd}.csv`;
    await session.preview
      .phone()
      .getByText(new RegExp(`^\\s*${fileName}（`))
      .waitFor(LONG_WAIT);
    await session.preview.screenshot('codes-exported');

    await phoneButton('复制链接').tap();
    const link = await session.page.evaluate(
      () =>
        (
          globalThis as { __mashangDevice?: { clipboard(): string } }
        ).__mashangDevice?.clipboard() ?? '',
    );
    expect(link).toContain(`/storage/objects/exports/`);
    expect(link).toContain(fileName);

    const [download] = await Promise.all([
      session.page.waitForEvent('download', WAIT),
      phoneButton('下载').tap(),
    ]);
    expect(download.suggestedFilename()).toBe(fileName);
    const csv = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(csv[0]).toBe('index,code,url');
    expect(csv).toHaveLength(10_001);
    const row = csv[5]!.split(',');
    expect(Number(row[0])).toBe(range!.codeStart + 4);
    expect(row[1]).toMatch(/^[\x21-\x7E]{9}$/);
    const code = row[1]!;

    await phoneButton('激活').tap();
    const productName = `${DEMO.product.title}（${DEMO.product.brand}）`;
    await session.preview.phone().getByText(productName, { exact: true }).tap();
    await phoneButton('提交激活').tap();
    await session.page.locator('.dialog__content', { hasText: '10,000 个' }).waitFor(WAIT);
    await confirmDialog();
    await session.preview.expectTexts([
      `已激活 ${label}：${DEMO.product.title}`,
      '已激活 10,000 个码',
    ]);
    await session.preview.phone().locator('[class*="segment-0"]').tap();
    await session.preview.expectTexts([`码段 ${label} · 已激活`]);
    // A number is never broken inside: the barcode wraps whole to the next line or not at all.
    const barcodeIn = (className: string) =>
      lineCount(
        session.preview.phone().locator(`[class*="${className}"]`, { hasText: DEMO.product.ean }),
        DEMO.product.ean,
      );
    expect(await barcodeIn('segment-product')).toBe(1);
    await session.preview.screenshot('codes-range-map');

    // Back to 码包: the code from the CSV is activated for the demo product.
    await session.page.click('#nav-back');
    const field = session.preview.phone().getByPlaceholder('9 位码或码链接');
    await field.tap();
    await field.pressSequentially(code);
    await phoneButton('查询').tap();
    await session.preview.expectTexts([
      `码 ${code} · 已激活`,
      `商品：${DEMO.product.title}（${DEMO.product.brand}，条码 ${DEMO.product.ean}）`,
      `序号：${range!.codeStart + 4}`,
    ]);
    expect(await barcodeIn('lookup-product')).toBe(1);
    await session.preview.screenshot('codes-lookup');
    expect(session.preview.problems).toEqual([]);
  }, 300_000);
});
