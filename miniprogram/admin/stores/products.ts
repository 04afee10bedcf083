import { makeAutoObservable, observable, runInAction } from 'mobx-miniprogram';
import type { AdminProductView } from '../../../typings/admin';
import type { EnvelopeError } from '../../../typings/envelope';
import { adminClient } from '../services/admin-client';
import { tempFileUrls } from '../services/cloud-files';
import type { LoadStatus } from './members';
import type { MoreOutcome } from './payouts';

/** Products asked for per page (the server allows up to 100). */
export const PRODUCTS_PAGE_SIZE = 20;

/**
 * 商品 list: products newest first, paged, with temporary URLs for their cover pictures. A reply
 * to an older load (a pull-to-refresh while one was in flight) is dropped.
 */
export class ProductsStore {
  status: LoadStatus = 'idle';
  products: AdminProductView[] = [];
  error: EnvelopeError | null = null;
  hasMore = false;
  loadingMore = false;
  /** fileID → temporary URL of the covers shown. */
  tempUrls: Record<string, string> = {};

  private generation = 0;

  constructor() {
    makeAutoObservable<ProductsStore, 'generation'>(this, {
      generation: false,
      products: observable.ref,
      tempUrls: observable.ref,
    });
  }

  async load(): Promise<void> {
    const generation = ++this.generation;
    this.status = 'loading';
    this.error = null;
    const reply = await adminClient.listProducts({ limit: PRODUCTS_PAGE_SIZE, offset: 0 });
    runInAction(() => {
      if (generation !== this.generation) return;
      if (reply.ok) {
        this.products = reply.data.products;
        this.hasMore = reply.data.products.length === PRODUCTS_PAGE_SIZE;
        this.status = 'ready';
      } else {
        this.products = [];
        this.hasMore = false;
        this.error = reply.error;
        this.status = 'error';
      }
    });
    if (reply.ok) await this.fetchCovers(reply.data.products);
  }

  async loadMore(): Promise<MoreOutcome> {
    if (this.loadingMore || !this.hasMore || this.status !== 'ready') return { ok: 'busy' };
    const generation = this.generation;
    this.loadingMore = true;
    const reply = await adminClient.listProducts({
      limit: PRODUCTS_PAGE_SIZE,
      offset: this.products.length,
    });
    const outcome = runInAction((): MoreOutcome => {
      if (generation !== this.generation) return { ok: 'busy' };
      this.loadingMore = false;
      if (!reply.ok) return { ok: false, error: reply.error };
      const seen = new Set(this.products.map((product) => product.productId));
      this.products = [
        ...this.products,
        ...reply.data.products.filter((product) => !seen.has(product.productId)),
      ];
      this.hasMore = reply.data.products.length === PRODUCTS_PAGE_SIZE;
      return { ok: true };
    });
    if (reply.ok) await this.fetchCovers(reply.data.products);
    return outcome;
  }

  /** Puts a product saved on the form page in place (or first, when new), without a reload. */
  upsert(product: AdminProductView): void {
    const at = this.products.findIndex((item) => item.productId === product.productId);
    this.products =
      at >= 0
        ? this.products.map((item, i) => (i === at ? product : item))
        : [product, ...this.products];
    if (this.status !== 'ready' && this.status !== 'loading') this.status = 'ready';
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
