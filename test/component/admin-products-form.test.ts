// @vitest-environment jsdom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  MAX_LIMIT,
  MAX_WINDOW_MINUTES,
  DEFAULT_THRESHOLDS,
} from '../../cloudfunctions/core/domain/verdict';
import {
  DEFAULT_SUSPICION,
  PRODUCT_LIMITS,
  eanMessage,
} from '../../miniprogram/admin/pages/products/present';
import { PRODUCT_IMAGE_PREFIX } from '../../miniprogram/admin/services/cloud-files';
import type { ProductResult } from '../../typings/admin';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import { productView, stubStorage, type PendingUpload } from './admin-products-fixtures';
import {
  type CloudCall,
  PROJECT_ROOT,
  callPageMethod,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
} from './harness';

const FORM_PAGE = 'admin/pages/products/edit/index';

function stubAdmin(
  role: 'operator' | 'viewer' = 'operator',
  handlers: AdminHandlers = {},
): { calls: CloudCall[]; uploads: PendingUpload[] } {
  const calls = stubAdminAs(
    role,
    {
      getProduct: () => ok<ProductResult>({ product: productView() }),
      createProduct: (call) => {
        const { title, brand } = call.data as { title: string; brand: string };
        return ok<ProductResult>({ product: productView({ productId: 'prod-new', title, brand }) });
      },
      updateProduct: () => ok<ProductResult>({ product: productView() }),
    },
    handlers,
  );
  const { uploads } = stubStorage();
  return { calls, uploads };
}

function sent(calls: CloudCall[], action: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === action)
    .map(({ data: { action: _action, ...request } }) => request);
}

function pickFiles(...paths: string[]) {
  const chooseMedia = vi.fn(async () => ({
    type: 'image',
    tempFiles: paths.map((tempFilePath) => ({ tempFilePath, size: 1024, fileType: 'image' })),
    errMsg: 'chooseMedia:ok',
  }));
  stubWx({ chooseMedia });
  return chooseMedia;
}

/** Fills what a new product needs to save. */
async function fillRequired(page: Awaited<ReturnType<typeof renderPage>>) {
  await typeIntoVanField(page, '#title-field', '玫瑰花茶 50g');
  await typeIntoVanField(page, '#brand-field', '码上茶园');
}

afterEach(cleanup);

describe('商品 form: checks as you type', () => {
  test('the bounds and defaults are the server’s', () => {
    expect(PRODUCT_LIMITS.maxLimit).toBe(MAX_LIMIT);
    expect(PRODUCT_LIMITS.maxWindowMinutes).toBe(MAX_WINDOW_MINUTES);
    expect(DEFAULT_SUSPICION).toEqual(DEFAULT_THRESHOLDS);
    // Read as text: importing the catalog would start the server's database client.
    const catalog = readFileSync(
      path.join(PROJECT_ROOT, 'cloudfunctions/core/products/catalog.ts'),
      'utf8',
    );
    expect(catalog).toContain(`PRODUCT_IMAGE_PREFIX = '${PRODUCT_IMAGE_PREFIX}'`);
    expect(eanMessage('6901234567892')).toBe('');
    expect(eanMessage('96385074')).toBe('');
  });

  test('an EAN with a wrong check digit is named at once, with the digit expected', async () => {
    stubAdmin();
    const page = await renderPage(FORM_PAGE);
    await typeIntoVanField(page, '#ean-field', '6901234567891');
    expect(visibleText(page)).toContain('校验位不正确：按前面的数字，最后一位应为 2，请核对条码');
    await typeIntoVanField(page, '#ean-field', '69012');
    expect(visibleText(page)).toContain('商品条码须为 8、12、13 或 14 位数字（现为 5 位）');
    await typeIntoVanField(page, '#ean-field', '6901234567892');
    expect(visibleText(page)).not.toContain('商品条码须为');
    expect(visibleText(page)).not.toContain('校验位不正确');
    // Required fields wait for the first save.
    expect(visibleText(page)).not.toContain('请填写商品名称');
  });

  test('suspicion limits outside the server’s bounds are named as typed', async () => {
    stubAdmin();
    const page = await renderPage(FORM_PAGE);
    // The bounds as people read them: the 30-day window in days, not 43200 分钟.
    expect(findByClass(page, 'suspicion-bounds').map((node) => node.textContent?.trim())).toEqual([
      '次数、人数、地点上限为 1–60，统计时长为 1 分钟–30 天',
    ]);
    // A new product starts with the server's defaults.
    expect((page.data as { draft: { suspicion: Record<string, string> } }).draft.suspicion).toEqual(
      {
        windowMinutes: '1440',
        maxScans: '20',
        maxScanners: '5',
        maxPlaces: '3',
      },
    );
    await typeIntoVanField(page, '#suspicion-maxScans', '61');
    expect(visibleText(page)).toContain('扫码次数上限须在 1–60 之间');
    await typeIntoVanField(page, '#suspicion-windowMinutes', '0');
    expect(visibleText(page)).toContain('统计时长（分钟）须在 1–43,200 之间（1 分钟–30 天）');
    await typeIntoVanField(page, '#suspicion-maxScans', '60');
    expect(visibleText(page)).not.toContain('扫码次数上限须在');
  });

  test('保存 with required fields missing lists what to fix and calls no server', async () => {
    const { calls } = stubAdmin();
    const page = await renderPage(FORM_PAGE);
    await tapVanButton(page, '#add-step');
    await tapVanButton(page, '#save-button');
    const text = visibleText(page);
    expect(text).toContain('请填写商品名称');
    expect(text).toContain('请填写品牌');
    expect(text).toContain('请填写环节名称');
    expect(text).toContain('还有 3 处需要修改：请填写商品名称');
    expect(sent(calls, 'createProduct')).toEqual([]);
  });
});

describe('商品 form: trace steps', () => {
  test('steps are added, filled, moved up and down, and removed after a confirmation', async () => {
    const { calls } = stubAdmin();
    const showModal = vi.fn((options: { success: (r: { confirm: boolean }) => void }) =>
      options.success({ confirm: true }),
    );
    stubWx({ showModal });
    const page = await renderPage(FORM_PAGE);
    await fillRequired(page);
    for (const name of ['采摘', '烘干', '包装']) {
      await tapVanButton(page, '#add-step');
      const index = findByClass(page, 'step-card').length - 1;
      callPageMethod(page, 'onStepField', {
        detail: name,
        currentTarget: { dataset: { index, field: 'name' } },
      });
    }
    await settle();
    const names = () => (page.data as { steps: { name: string }[] }).steps.map((step) => step.name);
    expect(names()).toEqual(['采摘', '烘干', '包装']);

    await dispatchIn(page, '.step-2 .step-up', 'tap');
    expect(names()).toEqual(['采摘', '包装', '烘干']);
    await dispatchIn(page, '.step-0 .step-down', 'tap');
    expect(names()).toEqual(['包装', '采摘', '烘干']);
    // The first step cannot go up, the last cannot go down.
    expect(findByClass(page, 'step-up')).toHaveLength(2);
    expect(findByClass(page, 'step-down')).toHaveLength(2);

    await dispatchIn(page, '.step-1 .step-remove', 'tap');
    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({ title: '删除溯源环节', content: expect.stringContaining('采摘') }),
    );
    expect(names()).toEqual(['包装', '烘干']);

    await tapVanButton(page, '#save-button');
    expect(sent(calls, 'createProduct')[0]?.trace).toEqual([{ name: '包装' }, { name: '烘干' }]);
  });

  test('a step date that is not a date is named after 保存', async () => {
    stubAdmin();
    const page = await renderPage(FORM_PAGE);
    await fillRequired(page);
    await tapVanButton(page, '#add-step');
    await typeIntoVanField(page, '.step-name', '采摘');
    await typeIntoVanField(page, '.step-time', '3月1日');
    await tapVanButton(page, '#save-button');
    expect(visibleText(page)).toContain(
      '时间须为日期或日期加时刻，如 2025-03-01 或 2025-03-01 09:30',
    );
  });
});

describe('商品 form: pictures', () => {
  test('a picked picture uploads under product-images/ with its progress, and is saved', async () => {
    const { calls, uploads } = stubAdmin();
    pickFiles('http://tmp/rose.png');
    const page = await renderPage(FORM_PAGE);
    await fillRequired(page);

    await dispatchIn(page, '.image-add-product', 'tap');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.cloudPath).toMatch(/^product-images\/\d{8}\/\d+-[a-z0-9]+\.png$/);
    expect(uploads[0]!.filePath).toBe('http://tmp/rose.png');
    expect(visibleText(page)).toContain('上传中 0%');
    uploads[0]!.progress(45);
    await settle();
    expect(visibleText(page)).toContain('上传中 45%');

    // Saving while it uploads would lose the picture: the form says to wait.
    await tapVanButton(page, '#save-button');
    expect(visibleText(page)).toContain('商品图片还在上传，请等上传完成再保存');
    expect(sent(calls, 'createProduct')).toEqual([]);

    uploads[0]!.succeed();
    await settle();
    expect(visibleText(page)).not.toContain('上传中');
    await tapVanButton(page, '#save-button');
    expect(sent(calls, 'createProduct')[0]?.images).toEqual([
      `cloud://local.local-local/${uploads[0]!.cloudPath}`,
    ]);
  });

  test('a failed upload is shown on its picture and retried', async () => {
    const { uploads } = stubAdmin();
    pickFiles('http://tmp/a.png', 'http://tmp/b.png');
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.image-add-product', 'tap');
    expect(uploads).toHaveLength(2);
    uploads[0]!.succeed();
    uploads[1]!.fail();
    await settle();
    expect(findByClass(page, 'image-failed')).toHaveLength(1);
    expect(findByClass(page, 'image-tile-1')[0]?.textContent).toContain('上传失败');
    expect(visibleText(page)).toContain('商品图片有上传失败的，请点重试或移除后再保存');

    await dispatchIn(page, '.image-retry', 'tap');
    expect(uploads).toHaveLength(3);
    expect(uploads[2]!.filePath).toBe('http://tmp/b.png');
    uploads[2]!.succeed();
    await settle();
    expect(findByClass(page, 'image-failed')).toHaveLength(0);
    expect(visibleText(page)).not.toContain('上传失败');
  });

  test('a trace step gets its own pictures, saved with that step', async () => {
    const { calls, uploads } = stubAdmin();
    pickFiles('http://tmp/field.jpg');
    const page = await renderPage(FORM_PAGE);
    await fillRequired(page);
    await tapVanButton(page, '#add-step');
    await typeIntoVanField(page, '.step-name', '采摘');
    await dispatchIn(page, '.image-add-0', 'tap');
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.cloudPath).toMatch(/^product-images\/.+\.jpg$/);
    uploads[0]!.fail();
    await settle();
    expect(visibleText(page)).toContain('环节图片有上传失败的，请点重试或移除后再保存');
    await dispatchIn(page, '.image-retry', 'tap');
    uploads[1]!.succeed();
    await settle();
    await tapVanButton(page, '#save-button');
    const [created] = sent(calls, 'createProduct');
    expect(created?.images).toEqual([]);
    expect(created?.trace).toEqual([
      { name: '采摘', images: [`cloud://local.local-local/${uploads[1]!.cloudPath}`] },
    ]);
  });

  test('pictures are reordered and removed; closing the picker is no error', async () => {
    const { uploads } = stubAdmin();
    pickFiles('http://tmp/a.png', 'http://tmp/b.png');
    const page = await renderPage(FORM_PAGE);
    await dispatchIn(page, '.image-add-product', 'tap');
    uploads.forEach((upload) => upload.succeed());
    await settle();
    const paths = () =>
      (page.data as { images: { localPath: string }[] }).images.map((image) => image.localPath);
    expect(paths()).toEqual(['http://tmp/a.png', 'http://tmp/b.png']);
    await dispatchIn(page, '.image-tile-1 .image-left', 'tap');
    expect(paths()).toEqual(['http://tmp/b.png', 'http://tmp/a.png']);
    await dispatchIn(page, '.image-tile-0 .image-remove', 'tap');
    expect(paths()).toEqual(['http://tmp/a.png']);

    stubWx({
      chooseMedia: vi.fn(async () => {
        throw { errMsg: 'chooseMedia:fail cancel' };
      }),
    });
    await dispatchIn(page, '.image-add-product', 'tap');
    expect(findByClass(page, 'page-notice')).toHaveLength(0);
  });
});

describe('商品 form: save', () => {
  test('a new product is created with every field, then the page edits it', async () => {
    const { calls } = stubAdmin();
    const showToast = vi.fn();
    const setNavigationBarTitle = vi.fn();
    stubWx({ showToast, setNavigationBarTitle });
    const page = await renderPage(FORM_PAGE);
    expect(setNavigationBarTitle).toHaveBeenCalledWith({ title: '新建商品' });
    await fillRequired(page);
    await typeIntoVanField(page, '#ean-field', '6901234567892');
    await tapVanButton(page, '#add-attribute');
    await typeIntoVanField(page, '.attribute-name', '净含量');
    await typeIntoVanField(page, '.attribute-value', '50g');
    await typeIntoVanField(page, '#hint-field', '关注茶园公众号');
    await dispatchIn(page, '#follow-switch', 'change', false);
    await typeIntoVanField(page, '#suspicion-maxPlaces', '4');
    await tapVanButton(page, '#save-button');

    expect(sent(calls, 'createProduct')).toEqual([
      {
        title: '玫瑰花茶 50g',
        brand: '码上茶园',
        ean: '6901234567892',
        images: [],
        attributes: [{ name: '净含量', value: '50g' }],
        trace: [],
        follow: { enabled: false, hint: '关注茶园公众号' },
        suspicion: { windowMinutes: 1440, maxScans: 20, maxScanners: 5, maxPlaces: 4 },
      },
    ]);
    expect(showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '商品已创建' }));
    expect(setNavigationBarTitle).toHaveBeenLastCalledWith({ title: '编辑商品' });
    // From now on it is that product: 保存修改 updates it, and it can be bound.
    expect(visibleText(page)).toContain('保存修改');
    expect(visibleText(page)).toContain('绑定到码段');
  });

  test('a failed save says why in Chinese and keeps everything typed', async () => {
    const { calls } = stubAdmin('operator', {
      createProduct: () =>
        fail('INVALID_ARGUMENT', '图片须是上传到 product-images/ 目录的云存储文件'),
    });
    const page = await renderPage(FORM_PAGE);
    await fillRequired(page);
    await tapVanButton(page, '#save-button');
    expect(visibleText(page)).toContain(
      '保存失败：图片须是上传到 product-images/ 目录的云存储文件',
    );
    const draft = (page.data as { draft: { title: string; brand: string } }).draft;
    expect([draft.title, draft.brand]).toEqual(['玫瑰花茶 50g', '码上茶园']);

    stubAdmin('operator', { createProduct: () => ({ throws: 'network' }) });
    await tapVanButton(page, '#save-button');
    expect(visibleText(page)).toContain('网络异常，请检查网络后重试（已填写的内容不会丢失）');
    expect(sent(calls, 'createProduct')).toHaveLength(1);
  });

  test('an existing product loads into the form and is updated with its id', async () => {
    const { calls } = stubAdmin();
    const page = await renderPage(FORM_PAGE, { productId: 'prod-1' });
    expect(sent(calls, 'getProduct')).toEqual([{ productId: 'prod-1' }]);
    const data = page.data as { draft: { title: string; ean: string }; steps: unknown[] };
    expect(data.draft.title).toBe('山泉水 550ml');
    expect(data.steps).toHaveLength(2);
    await typeIntoVanField(page, '#title-field', '山泉水 550ml（新包装）');
    await typeIntoVanField(page, '#ean-field', '');
    await tapVanButton(page, '#save-button');
    const [update] = sent(calls, 'updateProduct');
    expect(update).toMatchObject({
      productId: 'prod-1',
      title: '山泉水 550ml（新包装）',
      ean: '',
      images: ['cloud://local.local-local/product-images/demo/bottle.png'],
    });
  });

  test('a step stored with its moment reads as China time, not ISO text, and saves the same', async () => {
    const { calls } = stubAdmin('operator', {
      getProduct: () =>
        ok<ProductResult>({
          product: productView({
            trace: [
              { name: '灌装', time: '2025-03-03T01:20:00Z' },
              { name: '出厂', time: '2025-03-04' },
            ],
          }),
        }),
    });
    const page = await renderPage(FORM_PAGE, { productId: 'prod-1' });
    const shown = () =>
      page
        .querySelectorAll('.step-time')
        .map((field) => (field as unknown as { data: { value: string } }).data.value);
    expect(shown()).toEqual(['2025-03-03 09:20', '2025-03-04']);
    await typeIntoVanField(page, '#brand-field', '码上');
    await tapVanButton(page, '#save-button');
    expect(sent(calls, 'updateProduct')[0]?.trace).toEqual([
      { name: '灌装', time: '2025-03-03T09:20:00+08:00' },
      { name: '出厂', time: '2025-03-04' },
    ]);
  });

  test('unsaved changes turn on WeChat’s leave prompt; saving turns it off', async () => {
    stubAdmin();
    const enableAlertBeforeUnload = vi.fn();
    const disableAlertBeforeUnload = vi.fn();
    stubWx({ enableAlertBeforeUnload, disableAlertBeforeUnload });
    const page = await renderPage(FORM_PAGE, { productId: 'prod-1' });
    expect(enableAlertBeforeUnload).not.toHaveBeenCalled();
    await typeIntoVanField(page, '#brand-field', '码上');
    expect(enableAlertBeforeUnload).toHaveBeenCalledWith({
      message: '商品信息还没有保存，确定离开吗？',
    });
    await tapVanButton(page, '#save-button');
    expect(disableAlertBeforeUnload).toHaveBeenCalled();
  });

  test('loading shows a skeleton; a failed load explains and retries', async () => {
    let answer: (value: unknown) => void = () => undefined;
    stubAdmin('operator', { getProduct: () => new Promise((resolve) => (answer = resolve)) });
    const page = await renderPage(FORM_PAGE, { productId: 'prod-1' });
    expect(findByClass(page, 'form-skeleton')).toHaveLength(1);
    answer(fail('NOT_FOUND', '商品不存在'));
    await settle();
    expect(visibleText(page)).toContain('商品不存在或已被删除，请返回列表刷新');
  });

  test('a viewer reads the product but sees no save, upload or bind button', async () => {
    stubAdmin('viewer');
    const page = await renderPage(FORM_PAGE, { productId: 'prod-1' });
    const text = visibleText(page);
    expect(text).toContain('你的角色只能查看商品，不能修改');
    expect(findByClass(page, 'save-button')).toHaveLength(0);
    expect(findByClass(page, 'bind-button')).toHaveLength(0);
    expect(findByClass(page, 'image-add')).toHaveLength(0);
    expect(findByClass(page, 'step-remove')).toHaveLength(0);
    expect(text).not.toContain('添加属性');
  });
});
