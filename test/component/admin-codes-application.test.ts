// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import { POLL_MS } from '../../miniprogram/admin/pages/codes/present';
import type {
  ActivateRangeResult,
  AdminProductView,
  CodeApplicationView,
  ExportRangeResult,
  GeneratedRangeView,
  ImportRangeResult,
  ListProductsResult,
  ListRangesResult,
  RangeSegmentView,
} from '../../typings/admin';
import type { Envelope } from '../../typings/envelope';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import {
  type CloudCall,
  cleanup,
  dispatchIn,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  typeIntoVanField,
  visibleText,
  requestsOf,
  textsOf,
} from './harness';

const APPLICATION_PAGE = 'admin/pages/codes/application';
const QUERY = { applicationId: '880002' };

const FINISHED: CodeApplicationView = {
  applicationId: '880002',
  isvApplicationId: 'PO-2',
  codeCount: 20_000,
  status: 'FINISH',
  ready: true,
  ranges: [
    { codeStart: 0, codeEnd: 9_999 },
    { codeStart: 10_000, codeEnd: 19_999 },
  ],
  appliedAt: '2025-03-03T02:00:00.000Z',
  refreshedAt: '2025-03-03T02:05:00.000Z',
};

const GENERATING: CodeApplicationView = {
  ...FINISHED,
  status: 'PROCESSING',
  ready: false,
  ranges: [],
};

const ACTIVATION = {
  applicationId: '880002',
  codeStart: 0,
  codeEnd: 4_999,
  activityName: '山泉水 扫码验真',
  productBrand: '码上山泉',
  productTitle: '山泉水 550ml',
  productCode: '6901234567892',
  wxaAppid: 'wx0000000000000000',
  wxaPath: 'pages/landing/index',
  wxaType: 0,
  activatedAt: '2025-03-03T03:00:00.000Z',
};

function view(
  generated: GeneratedRangeView[],
  segments: RangeSegmentView[] = [],
  application = FINISHED,
): ListRangesResult {
  return { application, generated, segments };
}

const NOT_IMPORTED = view(
  [
    { codeStart: 0, codeEnd: 9_999, import: null },
    { codeStart: 10_000, codeEnd: 19_999, import: null },
  ],
  [
    { codeStart: 0, codeEnd: 9_999, state: 'not_activated', scannedCodes: 0 },
    { codeStart: 10_000, codeEnd: 19_999, state: 'not_activated', scannedCodes: 0 },
  ],
);

const IMPORTED = view(
  [
    { codeStart: 0, codeEnd: 9_999, import: { state: 'imported', importedCount: 10_000 } },
    { codeStart: 10_000, codeEnd: 19_999, import: null },
  ],
  [
    { codeStart: 0, codeEnd: 4_999, state: 'scanned', scannedCodes: 12, activation: ACTIVATION },
    { codeStart: 5_000, codeEnd: 19_999, state: 'not_activated', scannedCodes: 0 },
  ],
);

function product(overrides: Partial<AdminProductView> = {}): AdminProductView {
  return {
    productId: 'p-water',
    title: '山泉水 550ml',
    brand: '码上山泉',
    ean: '6901234567892',
    images: [],
    attributes: [],
    trace: [],
    follow: { enabled: true },
    suspicion: { windowMinutes: 1440, maxScans: 20, maxScanners: 5, maxPlaces: 3 },
    createdAt: '2025-03-01T00:00:00.000Z',
    updatedAt: '2025-03-01T00:00:00.000Z',
    ...overrides,
  };
}

const EXPORTED: ExportRangeResult = {
  exportId: 'exp-1',
  from: 0,
  to: 9_999,
  codeCount: 10_000,
  zipped: false,
  files: [
    {
      name: 'codes-880002-0-9999.csv',
      fileID: 'cloud://env/exports/exp-1/codes-880002-0-9999.csv',
      url: 'http://127.0.0.1:8787/storage/objects/exports/exp-1/codes-880002-0-9999.csv?sign=x',
      bytes: 456_789,
    },
  ],
  expiresAt: '2025-03-04T02:00:00.000Z',
};

type Role = 'operator' | 'viewer';

function stubAdmin(handlers: AdminHandlers = {}, role: Role = 'operator'): CloudCall[] {
  return stubAdminAs(
    role,
    {
      listRanges: () => ok(IMPORTED),
      refreshApplication: () => ok(FINISHED),
      listProducts: () =>
        ok<ListProductsResult>({
          products: [product(), product({ productId: 'p-2', title: '无码商品', ean: undefined })],
        }),
      exportRange: () => ok(EXPORTED),
      activateRange: () => ok<ActivateRangeResult>({ range: { ...ACTIVATION } }),
    },
    handlers,
  );
}

function stubUi(confirm = true) {
  const ui = {
    showModal: vi.fn((options: { success?: (r: { confirm: boolean }) => void }) =>
      options.success?.({ confirm }),
    ),
    showLoading: vi.fn(),
    hideLoading: vi.fn(),
    setClipboardData: vi.fn(),
  };
  stubWx(ui);
  return ui;
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('申请单 page: status and ranges', () => {
  test('shows skeletons, then the application, its ranges with import state and the map', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = stubAdmin({
      listRanges: async () => {
        await gate;
        return ok(IMPORTED);
      },
    });
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    expect(findByClass(page, 'application-skeleton')).toHaveLength(1);
    release();
    await settle();

    expect(requestsOf(calls, 'listRanges')).toEqual([{ applicationId: '880002' }]);
    expect(textsOf(page, 'application-count')).toEqual(['20,000 个码（2 万）']);
    expect(textsOf(page, 'application-status')).toEqual(['已生成']);
    expect(textsOf(page, 'range-label')).toEqual(['0–9999', '10000–19999']);
    expect(textsOf(page, 'import-state')).toEqual(['已导入 10,000 个', '未导入']);
    // Imported: export; not imported: import. Both can be activated.
    expect(findByClass(page, 'export-button')).toHaveLength(1);
    expect(findByClass(page, 'import-button')).toHaveLength(1);
    expect(findByClass(page, 'activate-button')).toHaveLength(2);
    // Nothing to poll once FINISH.
    expect(requestsOf(calls, 'refreshApplication')).toEqual([]);
  });

  test('a load refused shows our words and retries', async () => {
    const replies: Envelope<ListRangesResult>[] = [fail('APPLICATION_NOT_FOUND'), ok(IMPORTED)];
    stubAdmin({ listRanges: () => replies.shift() });
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    expect(visibleText(page)).toContain('找不到这个申请单，请下拉刷新列表');
    expect(visibleText(page)).toContain('错误码 APPLICATION_NOT_FOUND');
    await tapVanButton(page, '#load-error >>> .retry-button');
    expect(findByClass(page, 'range-card')).toHaveLength(2);
  });

  test('while WeChat generates, the page refreshes the status until FINISH, then stops', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const statuses = [ok(GENERATING), ok(FINISHED)];
    let finished = false;
    const calls = stubAdmin({
      listRanges: () => ok(finished ? NOT_IMPORTED : view([], [], GENERATING)),
      refreshApplication: () => {
        const reply = statuses.shift()!;
        finished = reply.ok && reply.data.ready;
        return reply;
      },
    });
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    expect(textsOf(page, 'application-status')).toEqual(['生成中']);
    expect(textsOf(page, 'generating-hint')).toEqual(['微信正在生成码包，页面每 3 秒自动刷新']);
    expect(textsOf(page, 'ranges-empty')).toEqual(['码包生成后，这里会列出微信生成的码段']);

    vi.advanceTimersByTime(POLL_MS);
    await settle();
    expect(requestsOf(calls, 'refreshApplication')).toEqual([{ applicationId: '880002' }]);
    expect(textsOf(page, 'application-status')).toEqual(['生成中']);

    vi.advanceTimersByTime(POLL_MS);
    await settle();
    expect(textsOf(page, 'application-status')).toEqual(['已生成']);
    expect(textsOf(page, 'range-label')).toEqual(['0–9999', '10000–19999']);

    vi.advanceTimersByTime(POLL_MS * 3);
    await settle();
    expect(requestsOf(calls, 'refreshApplication')).toHaveLength(2);
  });

  test('刷新状态 asks WeChat at once; a refusal is explained', async () => {
    const replies = [fail('UPSTREAM_RATE_LIMITED'), ok(FINISHED)];
    let finished = false;
    const calls = stubAdmin({
      listRanges: () => ok(finished ? NOT_IMPORTED : view([], [], GENERATING)),
      refreshApplication: () => {
        const reply = replies.shift()!;
        finished = reply.ok;
        return reply;
      },
    });
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.refresh-button');
    expect(textsOf(page, 'page-notice')).toEqual(['微信接口调用过于频繁，请稍后重试']);
    await tapVanButton(page, '.refresh-button');
    expect(requestsOf(calls, 'refreshApplication')).toHaveLength(2);
    expect(textsOf(page, 'page-notice')).toEqual(['码包已生成，可以导入了']);
    expect(findByClass(page, 'refresh-button')).toHaveLength(0);
  });
});

describe('申请单 page: import', () => {
  test('import blocks with the count, shows 导入中, then the imported state', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let imported = false;
    const calls = stubAdmin({
      listRanges: () => ok(imported ? IMPORTED : NOT_IMPORTED),
      importRange: async () => {
        await gate;
        imported = true;
        return ok<ImportRangeResult>({
          applicationId: '880002',
          codeStart: 0,
          codeEnd: 9_999,
          state: 'imported',
          importedCount: 10_000,
          alreadyImported: false,
        });
      },
    });
    const ui = stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .import-button');

    expect(ui.showLoading).toHaveBeenCalledWith({ title: '正在导入 10,000 个码', mask: true });
    expect(textsOf(page, 'import-state')).toEqual(['导入中', '未导入']);
    expect(ui.hideLoading).not.toHaveBeenCalled();

    release();
    await settle();
    expect(requestsOf(calls, 'importRange')).toEqual([
      { applicationId: '880002', codeStart: 0, codeEnd: 9_999 },
    ]);
    expect(ui.hideLoading).toHaveBeenCalled();
    expect(textsOf(page, 'page-notice')).toEqual(['已导入 10,000 个码']);
    expect(textsOf(page, 'import-state')).toEqual(['已导入 10,000 个', '未导入']);
    expect(findByClass(page, 'export-button')).toHaveLength(1);
  });

  test('a timeout is not a failure: the state is read back and reported as the server has it', async () => {
    let listed = 0;
    stubAdmin({
      // First load: not imported; after the lost reply: imported.
      listRanges: () => ok(listed++ === 0 ? NOT_IMPORTED : IMPORTED),
      importRange: () => ({ throws: 'timeout' }),
    });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .import-button');
    expect(textsOf(page, 'page-notice')).toEqual(['已导入 10,000 个码']);
    expect(textsOf(page, 'import-state')[0]).toBe('已导入 10,000 个');
  });

  test('a timeout while the server is still importing says so, not failed', async () => {
    const importing = view(
      [
        { codeStart: 0, codeEnd: 9_999, import: { state: 'importing' } },
        { codeStart: 10_000, codeEnd: 19_999, import: null },
      ],
      NOT_IMPORTED.segments,
    );
    let listed = 0;
    stubAdmin({
      listRanges: () => ok(listed++ === 0 ? NOT_IMPORTED : importing),
      importRange: () => ({ throws: 'timeout' }),
    });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .import-button');
    expect(textsOf(page, 'page-notice')).toEqual(['导入仍在服务器上进行，请稍后下拉刷新查看结果']);
    expect(textsOf(page, 'import-state')[0]).toBe('导入中');
    expect(visibleText(page)).not.toContain('导入失败');
  });

  test('a lost reply with nothing recorded asks the operator to look before importing again', async () => {
    stubAdmin({ listRanges: () => ok(NOT_IMPORTED), importRange: () => ({ throws: 'timeout' }) });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .import-button');
    expect(textsOf(page, 'page-notice')).toEqual([
      '网络异常，请检查网络后重试。导入结果未确认，请下拉刷新查看码段状态后再决定是否重新导入',
    ]);
  });

  test('a failed import shows why on the range and offers 重新导入', async () => {
    const failed = view(
      [
        {
          codeStart: 0,
          codeEnd: 9_999,
          import: { state: 'import_failed', error: '码包无法解密：密钥不对' },
        },
        { codeStart: 10_000, codeEnd: 19_999, import: null },
      ],
      NOT_IMPORTED.segments,
    );
    let listed = 0;
    stubAdmin({
      listRanges: () => ok(listed++ === 0 ? NOT_IMPORTED : failed),
      importRange: () => fail('PACKAGE_WRONG_KEY'),
    });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .import-button');
    expect(textsOf(page, 'page-notice')).toEqual(['码包无法解密：密钥与公众号不符，请联系管理员']);
    expect(textsOf(page, 'import-state')[0]).toBe('导入失败');
    expect(textsOf(page, 'range-error')).toEqual(['码包无法解密：密钥不对']);
    expect(textsOf(page, 'import-button')[0]).toBe('重新导入');
  });
});

describe('申请单 page: export', () => {
  test('exports the range as CSV by default and shows the link to copy or download', async () => {
    const calls = stubAdmin();
    const ui = stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .export-button');
    expect(textsOf(page, 'format-csv')).toEqual(['✓ CSV 码表']);

    await tapVanButton(page, '.export-submit');
    expect(ui.showLoading).toHaveBeenCalledWith({ title: '正在导出 10,000 个码', mask: true });
    expect(requestsOf(calls, 'exportRange')).toEqual([
      {
        applicationId: '880002',
        codeStart: 0,
        codeEnd: 9_999,
        from: 0,
        to: 9_999,
        formats: ['csv'],
      },
    ]);
    expect(textsOf(page, 'export-title')).toEqual(['已导出 0–9999，共 10,000 个码']);
    expect(textsOf(page, 'export-file__name')).toEqual(['codes-880002-0-9999.csv（446.1 KB）']);
    expect(textsOf(page, 'export-file__link')).toEqual([EXPORTED.files[0]!.url]);

    await tapVanButton(page, '.copy-link');
    expect(ui.setClipboardData).toHaveBeenCalledWith({ data: EXPORTED.files[0]!.url });
  });

  test('picks formats and a sub-range; image exports over 1,000 codes are stopped before asking', async () => {
    const calls = stubAdmin();
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .export-button');
    await dispatchIn(page, '.format-svg', 'tap');
    await tapVanButton(page, '.export-submit');
    expect(requestsOf(calls, 'exportRange')).toEqual([]);
    expect(textsOf(page, 'page-notice')).toEqual([
      '含图片的导出每次最多 1,000 个码（本次 10,000 个），请缩小起止序号',
    ]);

    await typeIntoVanField(page, '#export-from', '100');
    await typeIntoVanField(page, '#export-to', '199');
    await dispatchIn(page, '.format-csv', 'tap');
    await tapVanButton(page, '.export-submit');
    expect(requestsOf(calls, 'exportRange')).toEqual([
      {
        applicationId: '880002',
        codeStart: 0,
        codeEnd: 9_999,
        from: 100,
        to: 199,
        formats: ['svg'],
      },
    ]);
  });

  test('download: the file is fetched and opened; a kind WeChat cannot open falls back to the link', async () => {
    stubAdmin();
    const ui = stubUi();
    const downloadFile = vi.fn(
      (options: {
        url: string;
        success?: (r: { statusCode: number; tempFilePath: string }) => void;
      }) => options.success?.({ statusCode: 200, tempFilePath: 'http://tmp/codes.csv' }),
    );
    const opened: string[] = [];
    let openable = true;
    const openDocument = vi.fn(
      (options: {
        filePath: string;
        success?: () => void;
        fail?: (e: { errMsg: string }) => void;
      }) => {
        if (openable) {
          opened.push(options.filePath);
          options.success?.();
        } else options.fail?.({ errMsg: 'openDocument:fail filetype not supported' });
      },
    );
    stubWx({ downloadFile, openDocument });
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .export-button');
    await tapVanButton(page, '.export-submit');

    await tapVanButton(page, '.download-file');
    expect(downloadFile.mock.calls[0]![0].url).toBe(EXPORTED.files[0]!.url);
    expect(opened).toEqual(['http://tmp/codes.csv']);
    expect(findByClass(page, 'page-notice')).toHaveLength(0);

    openable = false;
    await tapVanButton(page, '.download-file');
    expect(ui.setClipboardData).toHaveBeenCalledWith({ data: EXPORTED.files[0]!.url });
    expect(textsOf(page, 'page-notice')).toEqual([
      '微信无法直接打开此类文件，已复制下载链接，请在浏览器中打开或发给印刷厂',
    ]);
  });

  test('an export refused is explained', async () => {
    stubAdmin({ exportRange: () => fail('RANGE_NOT_IMPORTED') });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .export-button');
    await tapVanButton(page, '.export-submit');
    expect(textsOf(page, 'page-notice')).toEqual(['该码段尚未导入，请先导入码包再导出']);
  });
});

describe('申请单 page: activate', () => {
  test('activates a range for a product from the catalog, after a confirmation', async () => {
    let activated = false;
    const calls = stubAdmin({
      listRanges: () => ok(activated ? IMPORTED : NOT_IMPORTED),
      activateRange: () => {
        activated = true;
        return ok<ActivateRangeResult>({ range: { ...ACTIVATION } });
      },
    });
    const ui = stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .activate-button');
    expect(requestsOf(calls, 'listProducts')).toEqual([{ limit: 100 }]);

    await dispatchIn(page, '.product-0', 'tap');
    expect(textsOf(page, 'product-chosen')).toEqual(['山泉水 550ml（码上山泉）']);
    await typeIntoVanField(page, '#activate-end', '4999');
    await dispatchIn(page, '.wxa-type-2', 'tap');
    expect(textsOf(page, 'wxa-type-chosen')).toEqual(['体验版']);
    await tapVanButton(page, '.activate-submit');

    const modal = ui.showModal.mock.calls[0]![0] as unknown as { content: string };
    expect(modal.content).toBe(
      '把码 0–4999（5,000 个）激活为「山泉水 550ml」，扫码打开 pages/landing/index（体验版）。激活后消费者扫码即生效。',
    );
    expect(requestsOf(calls, 'activateRange')).toEqual([
      {
        applicationId: '880002',
        codeStart: 0,
        codeEnd: 4_999,
        activityName: '山泉水 550ml 扫码验真',
        productBrand: '码上山泉',
        productTitle: '山泉水 550ml',
        productCode: '6901234567892',
        wxaPath: 'pages/landing/index',
        wxaType: 2,
      },
    ]);
    expect(textsOf(page, 'page-notice')).toEqual(['已激活 0–4999：山泉水 550ml']);
    expect(findByClass(page, 'activate-panel')).toHaveLength(0);
    expect(textsOf(page, 'legend-activated').length + textsOf(page, 'legend-scanned').length).toBe(
      2,
    );
  });

  test('cancelled, nothing is activated; a product without an EAN is explained', async () => {
    const calls = stubAdmin();
    stubUi(false);
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .activate-button');
    await dispatchIn(page, '.product-1', 'tap');
    await tapVanButton(page, '.activate-submit');
    expect(textsOf(page, 'page-notice')).toEqual([
      '商品「无码商品」没有商品条码（EAN），请先在商品中填写',
    ]);

    await dispatchIn(page, '.product-0', 'tap');
    await tapVanButton(page, '.activate-submit');
    expect(requestsOf(calls, 'activateRange')).toEqual([]);
  });

  test('an activation refused is explained', async () => {
    stubAdmin({
      activateRange: () => fail('INVALID_ARGUMENT', '商品条码须为 8、12、13 或 14 位数字'),
    });
    stubUi();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    await tapVanButton(page, '.range-0 .activate-button');
    await dispatchIn(page, '.product-0', 'tap');
    await tapVanButton(page, '.activate-submit');
    expect(textsOf(page, 'page-notice')).toEqual([
      '提交的信息有误：商品条码须为 8、12、13 或 14 位数字',
    ]);
  });
});

describe('申请单 page: the range map', () => {
  test('draws segments by size with a legend of counts; tapping one shows its details', async () => {
    stubAdmin();
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    const segments = findByClass(page, 'map-segment').filter(
      (el) => !el.className.includes('legend'),
    );
    const strip = segments.filter((el) => el.getAttribute('style')?.includes('width'));
    expect(strip.map((el) => el.getAttribute('style'))).toEqual(['width: 25%', 'width: 75%']);
    expect(strip[0]!.className).toContain('map-segment--scanned');
    expect(strip[1]!.className).toContain('map-segment--not_activated');
    expect(textsOf(page, 'legend-item')).toEqual([
      '未激活 15,000 个码',
      '已激活 0 个码',
      '已扫码 5,000 个码',
    ]);
    expect(textsOf(page, 'map-scanned')).toEqual(['已被扫过的码：12 个 · 点色条查看码段']);

    await dispatchIn(page, '.segment-0', 'tap');
    const text = visibleText(page);
    expect(text).toContain('码段 0–4999 · 已扫码');
    expect(text).toContain('5,000 个码，已扫 12 个');
    expect(text).toContain('商品：山泉水 550ml（码上山泉，条码 6901234567892）');
    expect(text).toContain('扫码页面：pages/landing/index（正式版）');

    await dispatchIn(page, '.segment-1', 'tap');
    expect(visibleText(page)).toContain('尚未激活：消费者扫到这些码会看到“未激活”');
  });
});

describe('申请单 page: roles', () => {
  test('a viewer sees status, ranges and the map, but no button that writes', async () => {
    stubAdmin(
      { listRanges: () => ok(view(NOT_IMPORTED.generated, NOT_IMPORTED.segments, GENERATING)) },
      'viewer',
    );
    const page = await renderPage(APPLICATION_PAGE, QUERY);
    expect(findByClass(page, 'range-card')).toHaveLength(2);
    expect(findByClass(page, 'map-card')).toHaveLength(1);
    for (const button of ['refresh-button', 'import-button', 'export-button', 'activate-button'])
      expect(findByClass(page, button)).toHaveLength(0);
    expect(textsOf(page, 'generating-hint')).toEqual(['微信正在生成码包，生成后即可导入']);
  });
});
