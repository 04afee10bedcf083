import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { channelQrDetailStore } from '../../../stores/channel-qr-detail';
import { channelQrFormStore } from '../../../stores/channel-qr-form';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import { drawQr } from '../../../utils/qr-canvas';
import {
  copyRefusal,
  deletePrompt,
  describeChannelQrError,
  expiryText,
  metricRows,
  QR_STATUS_LABELS,
  QR_TYPE_LABELS,
  replySummaries,
  STATUS_TAG_TYPES,
} from '../present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeChannelQrError(error) : '';
}

/** CSS pixels of the QR code (the canvas is 400rpx ≈ 200 px on a 375 px-wide phone). */
const QR_SIZE_PX = 200;

/** 二维码详情: the code itself, its settings and replies, and the seed's five figures. */
ComponentWithStore({
  data: {
    qrModules: 0,
  },

  storeBindings: {
    store: channelQrDetailStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('getChannelQr'),
      mayEdit: () =>
        adminSessionStore.can('updateChannelQr') &&
        channelQrDetailStore.qr !== null &&
        channelQrDetailStore.qr.status !== 'deleted',
      mayCopy: () =>
        adminSessionStore.can('copyChannelQr') && channelQrDetailStore.qr?.status !== 'deleted',
      mayDelete: () =>
        adminSessionStore.can('deleteChannelQrs') &&
        channelQrDetailStore.qr !== null &&
        channelQrDetailStore.qr.status !== 'deleted',
      status: () => channelQrDetailStore.status,
      loadError: () => errorText(channelQrDetailStore.error),
      loadErrorCode: () => channelQrDetailStore.error?.code ?? '',
      busy: () => channelQrDetailStore.busy,
      view: () => {
        const qr = channelQrDetailStore.qr;
        if (!qr) return null;
        // Materials this session added are named; others show their id.
        const names = Object.fromEntries(
          channelQrFormStore.materials.map((material) => [material.materialId, material.name]),
        );
        return {
          name: qr.name,
          url: qr.url,
          statusText: QR_STATUS_LABELS[qr.status],
          statusTagType: STATUS_TAG_TYPES[qr.status],
          typeText: QR_TYPE_LABELS[qr.type],
          expiry: expiryText(qr),
          channel: qr.channel ?? '',
          tags: qr.tagNames,
          repliesEnabled: qr.replies.enabled,
          replies: replySummaries(qr.replies.items, names),
          failureReason: qr.failureReason ?? '',
          deleted: qr.status === 'deleted',
        };
      },
      metrics: () => (channelQrDetailStore.metrics ? metricRows(channelQrDetailStore.metrics) : []),
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      channelQrDetailStore.reset(query.qrId ?? '');
      this.setData({ qrModules: 0 });
      await adminSessionStore.ensureMe();
      await this.reload();
    },

    // Back from the form: the name, tags or replies may have changed.
    onShow() {
      if (channelQrDetailStore.status === 'ready') void this.reload();
    },

    async reload() {
      if (!adminSessionStore.can('getChannelQr')) return;
      const before = channelQrDetailStore.qr?.url ?? '';
      await channelQrDetailStore.load();
      const url = channelQrDetailStore.qr?.url ?? '';
      if (url && (url !== before || this.data.qrModules === 0)) this.drawCode(url);
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      await this.reload();
    },

    onRetry() {
      void this.reload();
    },

    // The seed: figures are live; refreshing the page shows the latest.
    async onPullDownRefresh() {
      await this.reload();
      wx.stopPullDownRefresh();
    },

    onCopyUrl() {
      const url = channelQrDetailStore.qr?.url;
      if (!url) return;
      void wx.setClipboardData({ data: url });
    },

    onEdit() {
      void wx.navigateTo({
        url: `/admin/pages/channel-qr/edit/index?qrId=${encodeURIComponent(channelQrDetailStore.qrId)}`,
      });
    },

    async onCopy() {
      const qr = channelQrDetailStore.qr;
      if (!qr) return;
      const refusal = copyRefusal(qr.status);
      if (refusal) {
        void wx.showModal({ title: '不能复制', content: refusal, showCancel: false });
        return;
      }
      const go = await confirmAction({
        title: '复制二维码',
        content: `复制「${qr.name}」？将按原二维码的类型、有效期、渠道、标签和自动回复新建「${qr.name}_copy」。`,
        confirmText: '复制',
      });
      if (!go) return;
      const outcome = await channelQrDetailStore.copy();
      if (outcome.ok === 'busy') return;
      if (!outcome.ok) {
        void wx.showModal({
          title: '复制失败',
          content: describeChannelQrError(outcome.error),
          showCancel: false,
        });
        return;
      }
      void wx.showToast({ title: '已复制', icon: 'success' });
      void wx.redirectTo({
        url: `/admin/pages/channel-qr/edit/index?qrId=${encodeURIComponent(outcome.qr.qrId)}`,
      });
    },

    async onDelete() {
      const qr = channelQrDetailStore.qr;
      if (!qr) return;
      const go = await confirmAction({
        title: '删除二维码',
        content: deletePrompt([qr.status]),
        confirmText: '删除',
        danger: true,
      });
      if (!go) return;
      const outcome = await channelQrDetailStore.remove();
      if (outcome.ok === 'busy') return;
      if (!outcome.ok) {
        void wx.showModal({
          title: '删除失败',
          content: describeChannelQrError(outcome.error),
          showCancel: false,
        });
        return;
      }
      void wx.showToast({ title: '已删除', icon: 'success' });
    },

    /** Draws the code's URL once its canvas is on screen (as the members page draws invites). */
    drawCode(url: string) {
      if ('updateStoreBindings' in this && typeof this.updateStoreBindings === 'function')
        this.updateStoreBindings();
      this.setData({ qrModules: 0 }, () => {
        this.createSelectorQuery()
          .select('#channel-qr')
          .fields({ node: true, size: true })
          .exec((results: ({ node?: WechatMiniprogram.Canvas } | null)[]) => {
            const canvas = results[0]?.node;
            // No canvas node (an old base library): the URL below still works.
            if (!canvas) return;
            const ratio =
              typeof wx.getWindowInfo === 'function' ? wx.getWindowInfo().pixelRatio : 2;
            this.setData({ qrModules: drawQr(canvas, url, QR_SIZE_PX, ratio) });
          });
      });
    },
  },
});
