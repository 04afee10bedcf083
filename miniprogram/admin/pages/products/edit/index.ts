import { reaction, type IReactionDisposer } from 'mobx-miniprogram';
import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import {
  productFormStore,
  type DraftField,
  type ImageTarget,
  type StepField,
} from '../../../stores/product-form';
import { productsStore } from '../../../stores/products';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import {
  PRODUCT_LIMITS,
  SUSPICION_BOUNDS_TEXT,
  SUSPICION_KEYS,
  SUSPICION_LABELS,
  describeProductError,
  imageViews,
  shownErrors,
} from '../present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeProductError(error) : '';
}

type Dataset = {
  field?: string;
  index?: number | string;
  part?: string;
  target?: string | number;
  key?: string;
  direction?: number | string;
};
/** vant's change events carry the value itself as `detail`. */
type FieldEvent = { detail: string; currentTarget: { dataset: Dataset } };
type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  Dataset
>;
type SwitchEvent = { detail: boolean };

/** The leave guard lives outside `data`: a disposer is no view state. */
const guards = new WeakMap<object, IReactionDisposer>();

function imageTarget(value: string | number | undefined): ImageTarget {
  return value === undefined || value === 'product' ? 'product' : Number(value);
}

/** 新建商品 / 编辑商品: every field a scan shows, pictures uploaded from the phone, and the save. */
ComponentWithStore({
  data: {
    notice: '',
    limits: PRODUCT_LIMITS,
    suspicionBounds: SUSPICION_BOUNDS_TEXT,
    suspicionFields: SUSPICION_KEYS.map((key) => ({ key, label: SUSPICION_LABELS[key] })),
  },

  storeBindings: {
    store: productFormStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('getProduct'),
      mayWrite: () =>
        adminSessionStore.can(productFormStore.productId ? 'updateProduct' : 'createProduct'),
      mayBind: () => adminSessionStore.can('bindProduct'),
      status: () => productFormStore.status,
      loadError: () => errorText(productFormStore.loadError),
      loadErrorCode: () => productFormStore.loadError?.code ?? '',
      isNew: () => productFormStore.productId === '',
      productId: () => productFormStore.productId,
      draft: () => productFormStore.draft,
      images: () => imageViews(productFormStore.draft.images, productFormStore.tempUrls),
      steps: () =>
        productFormStore.draft.trace.map((step) => ({
          ...step,
          images: imageViews(step.images, productFormStore.tempUrls),
        })),
      errors: () => shownErrors(productFormStore.errors, productFormStore.submitted),
      saving: () => productFormStore.saving,
      saveError: () => productFormStore.saveError,
      dirty: () => productFormStore.dirty,
    },
    actions: {},
  } as const,

  lifetimes: {
    attached() {
      // WeChat's own "leave without saving?" prompt on 返回, on while there are unsaved changes.
      guards.set(
        this,
        reaction(
          () => productFormStore.dirty,
          (dirty) => {
            if (dirty && wx.enableAlertBeforeUnload)
              wx.enableAlertBeforeUnload({ message: '商品信息还没有保存，确定离开吗？' });
            else if (!dirty && wx.disableAlertBeforeUnload) wx.disableAlertBeforeUnload();
          },
        ),
      );
    },
    detached() {
      guards.get(this)?.();
      guards.delete(this);
    },
  },

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const productId = query.productId ? decodeURIComponent(query.productId) : '';
      this.setData({ notice: '' });
      void wx.setNavigationBarTitle({ title: productId ? '编辑商品' : '新建商品' });
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('getProduct')) await productFormStore.start(productId);
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('getProduct'))
        await productFormStore.start(productFormStore.productId);
    },

    onRetryLoad() {
      void productFormStore.start(productFormStore.productId);
    },

    onField(event: FieldEvent) {
      const field = event.currentTarget.dataset.field as DraftField | undefined;
      if (field) productFormStore.setField(field, String(event.detail ?? ''));
    },

    onFollowEnabled(event: SwitchEvent) {
      productFormStore.setFollowEnabled(event.detail === true);
    },

    onAddAttribute() {
      productFormStore.addAttribute();
    },

    onAttribute(event: FieldEvent) {
      const { index, part } = event.currentTarget.dataset;
      if (part === 'name' || part === 'value')
        productFormStore.setAttribute(Number(index), part, String(event.detail ?? ''));
    },

    onRemoveAttribute(event: TapEvent) {
      productFormStore.removeAttribute(Number(event.currentTarget.dataset.index));
    },

    onAddStep() {
      productFormStore.addStep();
    },

    onStepField(event: FieldEvent) {
      const { index, field } = event.currentTarget.dataset;
      if (field)
        productFormStore.setStepField(
          Number(index),
          field as StepField,
          String(event.detail ?? ''),
        );
    },

    onMoveStep(event: TapEvent) {
      const { index, direction } = event.currentTarget.dataset;
      productFormStore.moveStep(Number(index), Number(direction) < 0 ? -1 : 1);
    },

    async onRemoveStep(event: TapEvent) {
      const index = Number(event.currentTarget.dataset.index);
      const step = productFormStore.draft.trace[index];
      if (!step) return;
      const ok = await confirmAction({
        title: '删除溯源环节',
        content: `删除环节「${step.name || `第 ${index + 1} 步`}」及其图片？保存后生效。`,
        confirmText: '删除',
        danger: true,
      });
      if (ok) productFormStore.removeStep(index);
    },

    async onAddImages(event: TapEvent) {
      const target = imageTarget(event.currentTarget.dataset.target);
      const room = productFormStore.room(target);
      if (room === 0) {
        this.setData({ notice: `每处最多 ${PRODUCT_LIMITS.images} 张图片` });
        return;
      }
      let paths: string[];
      try {
        const picked = await wx.chooseMedia({
          count: room,
          mediaType: ['image'],
          sourceType: ['album', 'camera'],
          sizeType: ['compressed'],
        });
        paths = picked.tempFiles.map((file) => file.tempFilePath);
      } catch (error) {
        const errMsg = (error as { errMsg?: string }).errMsg ?? '';
        // Closing the picker is no error.
        if (!/cancel/.test(errMsg)) this.setData({ notice: `无法选择图片：${errMsg}` });
        return;
      }
      this.setData({ notice: '' });
      await productFormStore.addImages(target, paths);
    },

    onRetryImage(event: TapEvent) {
      const key = event.currentTarget.dataset.key;
      if (key) void productFormStore.retryImage(key);
    },

    onRemoveImage(event: TapEvent) {
      const key = event.currentTarget.dataset.key;
      if (key) productFormStore.removeImage(key);
    },

    onMoveImage(event: TapEvent) {
      const { key, direction } = event.currentTarget.dataset;
      if (key) productFormStore.moveImage(key, Number(direction) < 0 ? -1 : 1);
    },

    async onSave() {
      this.setData({ notice: '' });
      const outcome = await productFormStore.save();
      if (!outcome.ok) return;
      productsStore.upsert(outcome.product);
      void wx.setNavigationBarTitle({ title: '编辑商品' });
      void wx.showToast({ title: outcome.created ? '商品已创建' : '已保存', icon: 'success' });
    },

    async onBind() {
      if (productFormStore.dirty) {
        const go = await confirmAction({
          title: '还有未保存的修改',
          content: '绑定使用已保存的商品信息。先不保存，直接去绑定码段吗？',
          confirmText: '直接去绑定',
        });
        if (!go) return;
      }
      void wx.navigateTo({
        url: `/admin/pages/products/bind/index?productId=${encodeURIComponent(productFormStore.productId)}`,
      });
    },
  },
});
