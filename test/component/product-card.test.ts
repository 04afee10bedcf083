// @vitest-environment jsdom
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
  cleanup,
  dispatchIn,
  findAll,
  findByClass,
  renderComponent,
  stubWx,
  visibleText,
} from './harness';
import { PRODUCT } from './landing-fixtures';

const CARD = 'components/product-card/index';

afterEach(cleanup);

describe('product card', () => {
  test('shows brand, title, attributes and the EAN', async () => {
    const page = await renderComponent(CARD, { product: PRODUCT });
    expect(findByClass(page, 'product__brand').map((el) => el.textContent)).toEqual(['西湖茶社']);
    expect(findByClass(page, 'product__title').map((el) => el.textContent)).toEqual([
      '明前龙井 250g',
    ]);
    const rows = findByClass(page, 'product__attribute').map((el) =>
      el.textContent?.replace(/\s+/g, ''),
    );
    expect(rows).toEqual(['产地浙江杭州', '净含量250g', '商品条码6901234567892']);
  });

  test('puts every image in a native swiper with a page indicator', async () => {
    const page = await renderComponent(CARD, { product: PRODUCT });
    expect(findAll(page, 'wx-swiper')).toHaveLength(1);
    expect(findAll(page, 'wx-swiper-item')).toHaveLength(2);
    expect(findByClass(page, 'product__image')).toHaveLength(2);
    expect(findByClass(page, 'product__pager')[0]?.textContent?.trim()).toBe('1/2');

    await dispatchIn(page, '.product__swiper', 'change', { current: 1, source: 'touch' });
    expect(findByClass(page, 'product__pager')[0]?.textContent?.trim()).toBe('2/2');

    // Another product (a re-scan) starts again at its first image.
    page.setData({
      product: { ...PRODUCT, id: 'p-tea-02', images: [...PRODUCT.images].reverse() },
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(findByClass(page, 'product__pager')[0]?.textContent?.trim()).toBe('1/2');
  });

  test('a tapped image opens full screen with the others to swipe through', async () => {
    const previewImage = vi.fn();
    stubWx({ previewImage });
    const page = await renderComponent(CARD, { product: PRODUCT });
    const second = findByClass(page, 'product__image')[1];
    expect(second?.getAttribute('data-index')).toBe('1');

    // j-component selectors cannot say "the second": tap through the swiper item list.
    const items = (page as any).querySelectorAll('.product__image');
    items[1].dispatchEvent('tap');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(previewImage).toHaveBeenCalledWith({ urls: PRODUCT.images, current: PRODUCT.images[1] });
  });

  test('a single image gets no indicator; no images, no gallery', async () => {
    const single = await renderComponent(CARD, {
      product: { ...PRODUCT, images: [PRODUCT.images[0]] },
    });
    expect(findByClass(single, 'product__image')).toHaveLength(1);
    expect(findByClass(single, 'product__pager')).toHaveLength(0);

    const bare = await renderComponent(CARD, {
      product: { ...PRODUCT, images: [], attributes: [], ean: undefined },
    });
    expect(findAll(bare, 'wx-swiper')).toHaveLength(0);
    expect(findByClass(bare, 'product__attributes')).toHaveLength(0);
    expect(visibleText(bare)).toBe('西湖茶社明前龙井 250g');
  });
});
