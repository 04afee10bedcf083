import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { productBindStore } from '../../../stores/product-bind';
import type { StepField } from '../../../stores/product-form';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import { countText } from '../../../utils/figures';
import { describeProductError, rangeRows, shownErrors } from '../present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeProductError(error) : '';
}

type Dataset = {
  key?: string;
  index?: number | string;
  field?: string;
  direction?: number | string;
};
type TapEvent = { currentTarget: { dataset: Dataset } };
/** vant's change events carry the value itself as `detail`. */
type FieldEvent = { detail: string; currentTarget: { dataset: Dataset } };

/**
 * 绑定码段: which activated ranges show this product, and binding it (with the range's own trace
 * steps, added to or replacing the product's) to another, after a confirmation.
 */
ComponentWithStore({
  data: { productId: '', notice: '', noticeType: 'success' as 'success' | 'error' },

  storeBindings: {
    store: productBindStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listRanges') && adminSessionStore.can('getProduct'),
      mayBind: () => adminSessionStore.can('bindProduct'),
      status: () => productBindStore.status,
      loadError: () => errorText(productBindStore.error),
      loadErrorCode: () => productBindStore.error?.code ?? '',
      productTitle: () => productBindStore.product?.title ?? '',
      ranges: () =>
        rangeRows(
          productBindStore.ranges,
          productBindStore.product?.productId ?? '',
          productBindStore.titles,
        ),
      selectedKey: () => productBindStore.selectedKey,
      steps: () => productBindStore.steps,
      errors: () => shownErrors(productBindStore.stepErrors, productBindStore.submitted),
      binding: () => productBindStore.binding,
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const productId = query.productId ? decodeURIComponent(query.productId) : '';
      this.setData({ productId, notice: '' });
      await this.start();
    },

    async start() {
      await adminSessionStore.ensureMe();
      if (this.data.productId && adminSessionStore.can('listRanges'))
        await productBindStore.load(this.data.productId);
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      await this.start();
    },

    onRetryLoad() {
      void productBindStore.load(this.data.productId);
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      await this.start();
      wx.stopPullDownRefresh();
    },

    onSelect(event: TapEvent) {
      const key = event.currentTarget.dataset.key;
      if (key && adminSessionStore.can('bindProduct')) productBindStore.select(key);
    },

    onAddStep() {
      productBindStore.addStep();
    },

    onStepField(event: FieldEvent) {
      const { index, field } = event.currentTarget.dataset;
      if (field)
        productBindStore.setStepField(
          Number(index),
          field as StepField,
          String(event.detail ?? ''),
        );
    },

    onMoveStep(event: TapEvent) {
      const { index, direction } = event.currentTarget.dataset;
      productBindStore.moveStep(Number(index), Number(direction) < 0 ? -1 : 1);
    },

    onRemoveStep(event: TapEvent) {
      productBindStore.removeStep(Number(event.currentTarget.dataset.index));
    },

    async onBind() {
      const range = productBindStore.selected;
      const product = productBindStore.product;
      if (!range || !product) return;
      const problem = productBindStore.check();
      if (problem) {
        this.setData({ notice: problem, noticeType: 'error' });
        return;
      }
      const count = countText(range.codeEnd - range.codeStart + 1);
      const replacing =
        range.productId && range.productId !== product.productId
          ? `，替换原来绑定的「${productBindStore.titles[range.productId] ?? '其他商品'}」`
          : '';
      const ok = await confirmAction({
        title: '绑定商品',
        content: `码段 ${range.codeStart}–${range.codeEnd} 的 ${count} 个码扫码后将显示「${product.title}」${replacing}，码段溯源 ${productBindStore.steps.length} 步。立即生效，确定绑定吗？`,
        confirmText: '绑定',
      });
      if (!ok) return;
      const outcome = await productBindStore.bind();
      if (outcome.ok) {
        this.setData({
          notice: `已绑定码段 ${range.codeStart}–${range.codeEnd}`,
          noticeType: 'success',
        });
        void wx.showToast({ title: '已绑定', icon: 'success' });
      } else {
        this.setData({ notice: outcome.message, noticeType: 'error' });
      }
    },
  },
});
