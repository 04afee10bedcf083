import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import { adminSessionStore } from '../../stores/session';
import { productsStore } from '../../stores/products';
import { describeProductError, productRows } from './present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeProductError(error) : '';
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { productId?: string }
>;

/** 商品: the products scans show, newest first; 新建商品 and editing for those who may write. */
ComponentWithStore({
  data: { notice: '', shown: false },

  storeBindings: {
    store: productsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listProducts'),
      mayCreate: () => adminSessionStore.can('createProduct'),
      status: () => productsStore.list.status,
      listError: () => errorText(productsStore.list.error),
      listErrorCode: () => productsStore.list.error?.code ?? '',
      products: () => productRows(productsStore.products, productsStore.tempUrls),
      hasMore: () => productsStore.list.hasMore,
      loadingMore: () => productsStore.list.loadingMore,
    },
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listProducts')) await productsStore.load();
    },

    /** Back from the form: reload, so a product saved there shows as stored (and its cover). */
    async onShow() {
      if (!this.data.shown) {
        this.setData({ shown: true });
        return;
      }
      if (adminSessionStore.can('listProducts') && productsStore.list.status !== 'loading')
        await productsStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listProducts')) await productsStore.load();
    },

    onRetryList() {
      void productsStore.load();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listProducts')) await productsStore.load();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.onMore();
    },

    async onMore() {
      const outcome = await productsStore.loadMore();
      if (outcome.ok === false) this.setData({ notice: describeProductError(outcome.error) });
      else if (outcome.ok === true) this.setData({ notice: '' });
    },

    onCreate() {
      void wx.navigateTo({ url: '/admin/pages/products/edit/index' });
    },

    onOpen(event: TapEvent) {
      const productId = event.currentTarget.dataset.productId;
      if (productId)
        void wx.navigateTo({
          url: `/admin/pages/products/edit/index?productId=${encodeURIComponent(productId)}`,
        });
    },
  },
});
