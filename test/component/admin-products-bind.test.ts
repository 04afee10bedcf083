// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type {
  ActivatedRangeView,
  BindProductResult,
  CodeApplicationView,
  ListApplicationsResult,
  ListProductsResult,
  ListRangesResult,
  ProductResult,
} from '../../typings/admin';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import { productView } from './admin-products-fixtures';
import {
  type CloudCall,
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

const BIND_PAGE = 'admin/pages/products/bind/index';

const APPLICATION = {
  applicationId: '1001',
  isvApplicationId: 'order-1',
  codeCount: 30_000,
  status: 'FINISH',
  ready: true,
  ranges: [{ codeStart: 0, codeEnd: 29_999 }],
  appliedAt: '2025-03-01T08:00:00.000Z',
} as CodeApplicationView;

function activation(codeStart: number, codeEnd: number, productId?: string): ActivatedRangeView {
  return {
    applicationId: '1001',
    codeStart,
    codeEnd,
    activityName: '春季',
    productBrand: '码上山泉',
    productTitle: '山泉水（激活时）',
    productCode: '6901234567892',
    wxaAppid: 'wx0',
    wxaPath: 'pages/landing/index',
    wxaType: 0,
    activatedAt: '2025-03-01T08:00:00.000Z',
    ...(productId ? { productId, traceSteps: [{ name: '物流', place: '上海' }] } : {}),
  };
}

const RANGES: ListRangesResult = {
  application: APPLICATION,
  generated: [],
  segments: [
    // One activation, scanned in part: two segments, one range to bind.
    {
      codeStart: 0,
      codeEnd: 99,
      state: 'scanned',
      scannedCodes: 3,
      activation: activation(0, 9_999, 'prod-1'),
    },
    {
      codeStart: 100,
      codeEnd: 9_999,
      state: 'activated',
      scannedCodes: 0,
      activation: activation(0, 9_999, 'prod-1'),
    },
    {
      codeStart: 10_000,
      codeEnd: 19_999,
      state: 'activated',
      scannedCodes: 0,
      activation: activation(10_000, 19_999),
    },
    { codeStart: 20_000, codeEnd: 29_999, state: 'not_activated', scannedCodes: 0 },
  ],
};

function stubAdmin(
  role: 'operator' | 'viewer' = 'operator',
  handlers: AdminHandlers = {},
): CloudCall[] {
  return stubAdminAs(
    role,
    {
      getProduct: () =>
        ok<ProductResult>({ product: productView({ productId: 'prod-2', title: '气泡水 330ml' }) }),
      listProducts: () => ok<ListProductsResult>({ products: [productView()] }),
      listApplications: () => ok<ListApplicationsResult>({ applications: [APPLICATION] }),
      listRanges: () => ok<ListRangesResult>(RANGES),
      bindProduct: (call) =>
        ok<BindProductResult>({
          range: {
            ...activation(Number(call.data.codeStart), 19_999),
            productId: String(call.data.productId),
            traceSteps: call.data.traceSteps as ActivatedRangeView['traceSteps'],
          },
        }),
    },
    handlers,
  );
}

function answerModal(confirm: boolean) {
  const showModal = vi.fn((options: { success: (r: { confirm: boolean }) => void }) =>
    options.success({ confirm }),
  );
  stubWx({ showModal });
  return showModal;
}

function sent(calls: CloudCall[], action: string): Record<string, unknown>[] {
  return calls
    .filter((call) => call.data.action === action)
    .map(({ data: { action: _action, ...request } }) => request);
}

afterEach(cleanup);

describe('绑定码段', () => {
  test('lists each activated range once, with the product it shows', async () => {
    const calls = stubAdmin();
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    expect(sent(calls, 'listRanges')).toEqual([{ applicationId: '1001' }]);
    const cards = findByClass(page, 'range-card').map((el) => el.textContent?.replace(/\s+/g, ' '));
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('码段 0–9999');
    expect(cards[0]).toContain('10,000 个码 · 申请单 1001');
    expect(cards[0]).toContain('已绑定：山泉水 550ml');
    expect(cards[1]).toContain('码段 10000–19999');
    expect(cards[1]).toContain('未绑定商品（激活时商品名：山泉水（激活时））');
    expect(visibleText(page)).toContain('商品：气泡水 330ml');
  });

  test('binds with the range’s own steps after a confirmation, and shows it bound', async () => {
    const calls = stubAdmin();
    const showModal = answerModal(true);
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    await dispatchIn(page, '.range-1 .range-choose', 'tap');
    await tapVanButton(page, '.add-range-step');
    await typeIntoVanField(page, '.step-name', '出厂');
    await typeIntoVanField(page, '.step-time', '2025-03-04');
    await tapVanButton(page, '#confirm-bind');

    expect(showModal).toHaveBeenCalledWith(
      expect.objectContaining({
        title: '绑定商品',
        content: expect.stringContaining(
          '码段 10000–19999 的 10,000 个码扫码后将显示「气泡水 330ml」',
        ),
      }),
    );
    expect(sent(calls, 'bindProduct')).toEqual([
      {
        applicationId: '1001',
        codeStart: 10_000,
        productId: 'prod-2',
        traceSteps: [{ name: '出厂', time: '2025-03-04' }],
      },
    ]);
    expect(visibleText(page)).toContain('已绑定码段 10000–19999');
    expect(findByClass(page, 'range-1')[0]?.textContent).toContain('已绑定本商品');
  });

  test('replacing another product’s binding says so, and its steps are offered for editing', async () => {
    const calls = stubAdmin();
    const showModal = answerModal(false);
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    await dispatchIn(page, '.range-0 .range-choose', 'tap');
    expect((page.data as { steps: { name: string }[] }).steps.map((s) => s.name)).toEqual(['物流']);
    await tapVanButton(page, '#confirm-bind');
    expect(showModal.mock.calls[0]?.[0]).toMatchObject({
      content: expect.stringContaining('替换原来绑定的「山泉水 550ml」'),
    });
    // Cancelled: nothing bound.
    expect(sent(calls, 'bindProduct')).toEqual([]);
  });

  test('a step without a name stops the bind before any confirmation', async () => {
    const calls = stubAdmin();
    const showModal = answerModal(true);
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    await dispatchIn(page, '.range-1 .range-choose', 'tap');
    await tapVanButton(page, '.add-range-step');
    await tapVanButton(page, '#confirm-bind');
    expect(visibleText(page)).toContain('请填写环节名称');
    expect(showModal).not.toHaveBeenCalled();
    expect(sent(calls, 'bindProduct')).toEqual([]);
  });

  test('a bind the server refuses explains in Chinese', async () => {
    stubAdmin('operator', { bindProduct: () => fail('RANGE_NOT_ACTIVATED') });
    answerModal(true);
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    await dispatchIn(page, '.range-1 .range-choose', 'tap');
    await tapVanButton(page, '#confirm-bind');
    expect(visibleText(page)).toContain(
      '绑定失败：这个码段还没有激活，请先在「激活码段」中激活后再绑定',
    );
  });

  test('a failed load explains and retries; no activated range says what to do', async () => {
    const replies = [fail('INTERNAL'), ok<ListApplicationsResult>({ applications: [] })];
    stubAdmin('operator', { listApplications: () => replies.shift() });
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    expect(visibleText(page)).toContain('服务暂时不可用，请稍后重试');
    callPageMethod(page, 'onRetryLoad');
    await settle();
    expect(visibleText(page)).toContain('还没有已激活的码段，请先在「激活码段」中激活码段');
  });

  test('a viewer sees the bindings but no bind button', async () => {
    stubAdmin('viewer');
    const page = await renderPage(BIND_PAGE, { productId: 'prod-2' });
    expect(findByClass(page, 'range-card')).toHaveLength(2);
    expect(findByClass(page, 'range-choose')).toHaveLength(0);
    callPageMethod(page, 'onSelect', { currentTarget: { dataset: { key: '1001:10000' } } });
    await settle();
    expect(findByClass(page, 'confirm-bind')).toHaveLength(0);
  });
});
