import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { AdminProductView } from '../../../typings/admin';
import { adminClient } from '../services/admin-client';
import { tempFileUrls } from '../services/cloud-files';
import { fullPage, PagedList, type MoreOutcome } from './paged-list';

/** Products asked for per page (the server allows up to 100). */
export const PRODUCTS_PAGE_SIZE = 20;

/**
 * 商品 list: products newest first, paged, with temporary URLs for their cover pictures. A reply
 * to an older load (a pull-to-refresh while one was in flight) is dropped.
 */
export class ProductsStore {
  /** fileID → temporary URL of the covers shown. */
  tempUrls: Record<string, string> = {};

  readonly list = new PagedList<AdminProductView>(
    async (offset) => {
      const reply = await adminClient.listProducts({ limit: PRODUCTS_PAGE_SIZE, offset });
      return reply.ok
        ? { ok: true, data: fullPage(reply.data.products, PRODUCTS_PAGE_SIZE) }
        : reply;
    },
    (product) => product.productId,
  );

  constructor() {
    makeAutoObservable<ProductsStore, 'list'>(this, { list: false, tempUrls: observable.ref });
  }

  get products(): readonly AdminProductView[] {
    return this.list.items;
  }

  async load(): Promise<void> {
    const page = await this.list.load();
    if (page) await this.fetchCovers(page.items);
  }

  async loadMore(): Promise<MoreOutcome> {
    const { page, ...outcome } = await this.list.loadMore();
    if (page) await this.fetchCovers(page.items);
    return outcome;
  }

  /** Puts a product saved on the form page in place (or first, when new), without a reload. */
  upsert(product: AdminProductView): void {
    this.list.upsert(product);
    void this.fetchCovers([product]);
  }

  private async fetchCovers(products: readonly AdminProductView[]): Promise<void> {
    const covers = products.map((product) => product.images[0] ?? '').filter(Boolean);
    const urls = await tempFileUrls(covers.filter((id) => !(id in this.tempUrls)));
    if (Object.keys(urls).length === 0) return;
    runInAction(() => {
      this.tempUrls = { ...this.tempUrls, ...urls };
    });
  }
}

export const productsStore = new ProductsStore();
