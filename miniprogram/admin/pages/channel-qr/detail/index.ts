import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { channelQrDetailStore } from '../../../stores/channel-qr-detail';
import { channelQrFormStore } from '../../../stores/channel-qr-form';
import { type QrImageChoice, qrImageStore } from '../../../stores/qr-image';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import { downloadToTemp, saveImageToAlbum } from '../../../utils/files';
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
import { QR_IMAGE_CHOICES, qrImageSize } from '../exports';

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { choice?: QrImageChoice }
>;

const IMAGE_CHOICES: readonly { value: QrImageChoice; name: string }[] = [
  ...QR_IMAGE_CHOICES,
  { value: 'custom', name: '自定义' },
];

function errorText(error: EnvelopeError | null): string {
  return error ? describeChannelQrError(error) : '';
}

/** CSS pixels of the QR code (the canvas is 400rpx ≈ 200 px on a 375 px-wide phone). */
const QR_SIZE_PX = 200;

/** 二维码详情: the code itself, its settings and replies, and the seed's five figures. */
ComponentWithStore({
  data: {
    qrModules: 0,
    imageChoices: IMAGE_CHOICES,
    imageProblem: '',
    saving: false,
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
      mayReadScanners: () => adminSessionStore.can('listQrScanners'),
      mayDownload: () => adminSessionStore.can('qrImage'),
      imageChoice: () => qrImageStore.choice,
      customPx: () => qrImageStore.customPx,
      imageLogo: () => qrImageStore.logo,
      imageStatus: () => qrImageStore.status,
      imageError: () => errorText(qrImageStore.error),
      image: () => {
        const image = qrImageStore.image;
        if (!image) return null;
        const kb = Math.max(1, Math.round(image.file.bytes / 1024));
        return { url: image.file.url, name: image.file.name, sizeText: `${kb} KB` };
      },
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      channelQrDetailStore.reset(query.qrId ?? '');
      qrImageStore.reset(query.qrId ?? '');
      this.setData({ qrModules: 0, imageProblem: '' });
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

    onOpenScanners() {
      void wx.navigateTo({
        url: `/admin/pages/channel-qr/scanners/index?qrId=${encodeURIComponent(channelQrDetailStore.qrId)}`,
      });
    },

    onImageChoice(event: TapEvent) {
      const choice = event.currentTarget.dataset.choice;
      if (!choice) return;
      this.setData({ imageProblem: '' });
      qrImageStore.setChoice(choice);
    },

    onCustomPx(event: { detail: string }) {
      this.setData({ imageProblem: '' });
      qrImageStore.setCustomPx(String(event.detail ?? ''));
    },

    onLogo(event: { detail: boolean }) {
      qrImageStore.setLogo(event.detail === true);
    },

    onLogoChanged() {
      qrImageStore.logoChanged();
    },

    async onMakeImage() {
      const checked = qrImageSize(qrImageStore.choice, qrImageStore.customPx);
      if ('problem' in checked) {
        this.setData({ imageProblem: checked.problem });
        return;
      }
      this.setData({ imageProblem: '' });
      await qrImageStore.generate(checked.size);
    },

    onPreviewImage() {
      const url = qrImageStore.image?.file.url;
      if (url) void wx.previewImage({ urls: [url], current: url });
    },

    onCopyImageLink() {
      const url = qrImageStore.image?.file.url;
      if (url) void wx.setClipboardData({ data: url });
    },

    /** WeChat saves only a local file to the album: download first, then save. */
    async onSaveImage() {
      const url = qrImageStore.image?.file.url;
      if (!url || this.data.saving) return;
      this.setData({ saving: true, imageProblem: '' });
      let filePath: string;
      try {
        filePath = await downloadToTemp(url);
      } catch {
        this.setData({ saving: false, imageProblem: '图片下载失败，请检查网络后重试' });
        return;
      }
      const outcome = await saveImageToAlbum(filePath);
      this.setData({ saving: false });
      if (outcome === 'saved') {
        void wx.showToast({ title: '已保存到相册', icon: 'success' });
      } else if (outcome === 'denied') {
        const go = await confirmAction({
          title: '无法保存到相册',
          content: '你之前拒绝了保存到相册的权限，请在设置中允许「保存到相册」后重试',
          confirmText: '去设置',
        });
        if (go) void wx.openSetting({});
      } else if (outcome !== 'cancelled') {
        this.setData({ imageProblem: `保存失败：${outcome.failed}` });
      }
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
