/**
 * 商品 in the web preview (issue 10, point 2): the stack's administrator creates a product with a
 * picture uploaded from the "phone" (the preview's file picker → wx.cloud.uploadFile into the local
 * storage) and a two-step trace, finds it in the list with its picture, binds it to the demo's
 * activated range, and a consumer's scan of a code there shows the new product. Skipped, loudly,
 * without /usr/bin/chromium.
 */
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { DEMO } from '../../local/seed/demo';
import type { LandingView } from '../../typings/scan';
import { rewardKit } from '../support/rewards';
import { hasChromium } from './chromium';
import { WAIT, demoAdmin, previewSession } from './preview';

/** A small picture of a rose-coloured square: what the operator "takes" with the phone. */
function rosePng(): Buffer {
  const png = new PNG({ width: 64, height: 64 });
  for (let at = 0; at < png.data.length; at += 4) {
    png.data[at] = 220;
    png.data[at + 1] = 60;
    png.data[at + 2] = 110;
    png.data[at + 3] = 255;
  }
  return PNG.sync.write(png);
}

const TITLE = '玫瑰花茶 50g';

describe.skipIf(!hasChromium)('web preview: 商品', () => {
  const session = previewSession();

  const phone = () => session.preview.phone();
  const typeInto = async (placeholder: string, text: string, nth = 0) => {
    const field = phone().getByPlaceholder(placeholder).nth(nth);
    await field.tap();
    await field.pressSequentially(text);
  };

  test('create with an uploaded picture and a trace, see it listed, bind it, scan it', async () => {
    await session.openConsole();
    await session.preview.expectTexts(['商品信息、图片、溯源环节与绑定码段']);
    await phone().getByText('商品信息、图片、溯源环节与绑定码段', { exact: true }).tap();

    // The demo product is listed with its picture.
    await session.preview.expectTexts([DEMO.product.title]);
    await session.preview.screenshot('products-list-demo');

    await session.preview.phoneButton('新建商品').first().tap();
    await session.preview.expectTexts(['基本信息']);
    await typeInto('如 山泉水 550ml', TITLE);
    await typeInto('如 码上山泉', '码上茶园');

    // Closing the picker without a file (chooseMedia:fail cancel) is no error on the page.
    const [closed] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      phone().getByText('添加图片', { exact: true }).first().tap(),
    ]);
    await closed.setFiles([]);
    await session.page.waitForTimeout(300);
    expect(
      await phone()
        .getByText(/^无法选择图片/)
        .count(),
    ).toBe(0);
    expect(await phone().locator('img.wx-image__native').count()).toBe(0);

    // The picture: the preview's file picker stands in for the album.
    const [chooser] = await Promise.all([
      session.page.waitForEvent('filechooser', WAIT),
      phone().getByText('添加图片', { exact: true }).first().tap(),
    ]);
    await chooser.setFiles({ name: 'rose.png', mimeType: 'image/png', buffer: rosePng() });
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
    expect(await phone().getByText('上传失败', { exact: true }).count()).toBe(0);

    // Two trace steps.
    for (const [n, name, date] of [
      [0, '采摘', '2025-04-01'],
      [1, '烘干', '2025-04-03'],
    ] as const) {
      await session.preview.phoneButton('添加溯源环节').tap();
      await typeInto('如 原料产地、灌装、质检', name, n);
      await typeInto('如 2025-03-01', date, n);
    }
    await session.preview.screenshot('products-form');

    await session.preview.phoneButton('创建商品').tap();
    await session.preview.expectTexts(['保存修改']);
    await session.preview.screenshot('products-form-saved');

    const admin = demoAdmin(session.stack);
    const created = (await admin.call('listProducts', {})).products.find((p) => p.title === TITLE);
    expect(created).toBeDefined();
    expect(created!.images).toHaveLength(1);
    expect(created!.images[0]).toMatch(/^cloud:\/\/.+\/product-images\/.+\.png$/);
    expect(created!.trace).toEqual([
      { name: '采摘', time: '2025-04-01' },
      { name: '烘干', time: '2025-04-03' },
    ]);

    // Back to the list: the new product first, with its picture loaded from storage.
    await session.page.click('#nav-back');
    await session.preview.expectTexts([TITLE]);
    const cover = phone().locator('[class*="product-0"] img.wx-image__native');
    await expect
      .poll(
        async () => cover.first().evaluate((img) => (img as { naturalWidth: number }).naturalWidth),
        WAIT,
      )
      .toBe(64);
    await session.preview.screenshot('products-list');

    // Bind it to the demo's activated range.
    await phone().getByText(TITLE, { exact: true }).tap();
    await session.preview.phoneButton('绑定到码段').tap();
    await session.preview.expectTexts([`码段 ${DEMO.activated.from}–${DEMO.activated.to}`]);
    await phone().getByText('绑定到此码段', { exact: true }).first().tap();
    await session.preview.phoneButton('绑定').tap();
    const dialog = session.page.locator('.dialog');
    await dialog.waitFor(WAIT);
    expect(await dialog.textContent()).toContain(`扫码后将显示「${TITLE}」`);
    await session.preview.screenshot('products-bind-confirm');
    await dialog.locator('.dialog__confirm').click();
    await session.preview.expectTexts([`已绑定码段 ${DEMO.activated.from}–${DEMO.activated.to}`]);
    await session.preview.screenshot('products-bound');

    // A consumer scanning a code of that range now sees the new product and its trace.
    const scan = (await rewardKit(session.stack).resolveScan(
      DEMO.users.alice,
      42,
    )) as unknown as LandingView;
    expect(scan.product?.title).toBe(TITLE);
    // The range kept its own steps (the bind page offered them): they follow the product's.
    const { segments } = await admin.call('listRanges', {
      applicationId: session.stack.demo!.applicationId,
    });
    const rangeSteps = (segments.find((s) => s.activation)?.activation?.traceSteps ?? []).map(
      (step) => step.name,
    );
    expect(rangeSteps.length).toBeGreaterThan(0);
    expect(scan.trace.map((step) => step.name)).toEqual(['采摘', '烘干', ...rangeSteps]);
    expect(scan.product?.images[0]).toMatch(/^https?:\/\//);
    expect(session.preview.problems).toEqual([]);
  }, 240_000);
});
