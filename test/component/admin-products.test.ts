// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ListProductsResult, ProductResult } from '../../typings/admin';
import { fail, ok, stubAdminAs, type AdminHandlers } from './admin-fixtures';
import { productView, stubStorage } from './admin-products-fixtures';
import {
  type CloudCall,
  cleanup,
  callPageMethod,
  findAll,
  findByClass,
  renderPage,
  settle,
  stubWx,
  tapVanButton,
  visibleText,
} from './harness';

const LIST_PAGE = 'admin/pages/products/index';

function stubAdmin(
  role: 'admin' | 'operator' | 'viewer' = 'operator',
  handlers: AdminHandlers = {},
): CloudCall[] {
  const calls = stubAdminAs(
    role,
    {
      listProducts: () =>
        ok<ListProductsResult>({
          products: [
            productView(),
            productView({ productId: 'prod-2', title: '气泡水 330ml', ean: undefined, images: [] }),
          ],
        }),
      getProduct: () => ok<ProductResult>({ product: productView() }),
    },
    handlers,
  );
  stubStorage();
  return calls;
}

afterEach(cleanup);

describe('商品 list', () => {
  test('shows a skeleton until the products arrive', async () => {
    let answer: (value: unknown) => void = () => undefined;
    stubAdmin('operator', {
      listProducts: () => new Promise((resolve) => (answer = resolve)),
    });
    const page = await renderPage(LIST_PAGE);
    expect(findByClass(page, 'list-skeleton')).toHaveLength(1);
    expect(visibleText(page)).not.toContain('山泉水 550ml');
    answer(ok<ListProductsResult>({ products: [productView()] }));
    await settle();
    expect(findByClass(page, 'list-skeleton')).toHaveLength(0);
    expect(visibleText(page)).toContain('山泉水 550ml');
  });

  test('lists products with cover picture, brand, EAN and counts; a tap opens the form', async () => {
    const calls = stubAdmin();
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    await settle();

    expect(calls.find((call) => call.data.action === 'listProducts')?.data).toEqual({
      action: 'listProducts',
      limit: 20,
      offset: 0,
    });
    const cards = findByClass(page, 'product-card').map((el) =>
      el.textContent?.replace(/\s+/g, ' '),
    );
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('山泉水 550ml');
    expect(cards[0]).toContain('码上山泉 · 条码 6901234567892');
    expect(cards[0]).toContain('图片 1 张 · 属性 1 项 · 溯源 2 步');
    expect(cards[1]).toContain('未填条码');
    expect(cards[1]).toContain('无图');
    // The cloud file is shown through its temporary URL.
    // simulate renders no src attribute: read what the <image> is bound to.
    expect(findAll(page, 'wx-image')).toHaveLength(1);
    const rows = (page.data as { products: { cover: string }[] }).products;
    expect(rows.map((row) => row.cover)).toEqual(['https://tmp.example/bottle.png', '']);

    callPageMethod(page, 'onOpen', { currentTarget: { dataset: { productId: 'prod-2' } } });
    expect(navigateTo).toHaveBeenCalledWith({
      url: '/admin/pages/products/edit/index?productId=prod-2',
    });
  });

  test('with no products: an empty state with 新建商品', async () => {
    stubAdmin('operator', { listProducts: () => ok<ListProductsResult>({ products: [] }) });
    const navigateTo = vi.fn();
    stubWx({ navigateTo });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('还没有商品');
    await tapVanButton(page, '#empty-create-button');
    expect(navigateTo).toHaveBeenCalledWith({ url: '/admin/pages/products/edit/index' });
  });

  test('a failed load says why in Chinese and retries', async () => {
    const replies = [fail('INTERNAL'), ok<ListProductsResult>({ products: [productView()] })];
    stubAdmin('operator', { listProducts: () => replies.shift() });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('服务暂时不可用，请稍后重试');
    callPageMethod(page, 'onRetryList');
    await settle();
    expect(visibleText(page)).toContain('山泉水 550ml');
  });

  test('pull to refresh loads again and stops the spinner', async () => {
    const replies = [
      ok<ListProductsResult>({ products: [] }),
      ok<ListProductsResult>({ products: [productView()] }),
    ];
    stubAdmin('operator', { listProducts: () => replies.shift() });
    const stopPullDownRefresh = vi.fn();
    stubWx({ stopPullDownRefresh });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('还没有商品');
    await callPageMethod(page, 'onPullDownRefresh');
    await settle();
    expect(visibleText(page)).toContain('山泉水 550ml');
    expect(stopPullDownRefresh).toHaveBeenCalled();
  });

  test('a viewer reads the list but sees no 新建商品', async () => {
    stubAdmin('viewer', { listProducts: () => ok<ListProductsResult>({ products: [] }) });
    const page = await renderPage(LIST_PAGE);
    expect(visibleText(page)).toContain('还没有商品');
    expect(findByClass(page, 'create-button')).toHaveLength(0);
    expect(findByClass(page, 'empty-create')).toHaveLength(0);
  });
});
