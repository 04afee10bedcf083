import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import { channelQrsStore } from '../../stores/channel-qrs';
import { qrLogoStore } from '../../stores/qr-logo';
import { adminSessionStore } from '../../stores/session';
import type { DownloadResult } from '../../../../typings/admin';
import { chooseFrom, confirmAction } from '../../utils/confirm';
import {
  copyRefusal,
  deletePrompt,
  describeChannelQrError,
  qrRows,
  STATUS_FILTERS,
} from './present';
import { fileReadyText, zipChoices } from './exports';

function errorText(error: EnvelopeError | null): string {
  return error ? describeChannelQrError(error) : '';
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { qrId?: string }
>;

interface ValueEvent<D> {
  detail: D;
}

const READ = 'listChannelQrs';

/** 渠道二维码: search, filter, each code's status and figures; copy and (batch) delete. */
ComponentWithStore({
  data: {
    filterNames: STATUS_FILTERS.map((filter) => filter.name),
  },

  storeBindings: {
    store: channelQrsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can(READ),
      mayCreate: () => adminSessionStore.can('createChannelQr'),
      mayCopy: () => adminSessionStore.can('copyChannelQr'),
      mayDelete: () => adminSessionStore.can('deleteChannelQrs'),
      mayDownload: () => adminSessionStore.can('qrImagesZip'),
      mayExportLinks: () => adminSessionStore.can('exportQrLinks'),
      maySelect: () =>
        adminSessionStore.can('deleteChannelQrs') || adminSessionStore.can('qrImagesZip'),
      keyword: () => channelQrsStore.keyword,
      filterIndex: () =>
        Math.max(
          0,
          STATUS_FILTERS.findIndex((filter) => filter.value === channelQrsStore.filter),
        ),
      filterName: () =>
        STATUS_FILTERS.find((filter) => filter.value === channelQrsStore.filter)?.name ?? '',
      filtered: () => channelQrsStore.filter !== '' || channelQrsStore.keyword.trim() !== '',
      status: () => channelQrsStore.status,
      listError: () => errorText(channelQrsStore.error),
      listErrorCode: () => channelQrsStore.error?.code ?? '',
      rows: () => qrRows(channelQrsStore.qrs, channelQrsStore.selected),
      selectedCount: () => channelQrsStore.selected.length,
      busy: () => channelQrsStore.busy,
      downloading: () => channelQrsStore.downloading,
    },
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can(READ)) await channelQrsStore.load();
    },

    // Back from the form or the details: names, statuses and figures may have changed.
    onShow() {
      if (channelQrsStore.status === 'ready') void channelQrsStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can(READ)) await channelQrsStore.load();
    },

    onRetryList() {
      void channelQrsStore.load();
    },

    async onPullDownRefresh() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can(READ)) await channelQrsStore.load();
      wx.stopPullDownRefresh();
    },

    onKeyword(event: ValueEvent<string>) {
      channelQrsStore.setKeyword(String(event.detail ?? ''));
    },

    onSearch() {
      void channelQrsStore.search();
    },

    onFilter(event: ValueEvent<{ value: string | number }>) {
      const filter = STATUS_FILTERS[Number(event.detail.value)];
      if (filter) void channelQrsStore.setFilter(filter.value);
    },

    onToggle(event: TapEvent) {
      const id = event.currentTarget.dataset.qrId;
      if (id) channelQrsStore.toggle(id);
    },

    onClearSelection() {
      channelQrsStore.clearSelection();
    },

    onOpen(event: TapEvent) {
      const id = event.currentTarget.dataset.qrId;
      if (id) {
        void wx.navigateTo({
          url: `/admin/pages/channel-qr/detail/index?qrId=${encodeURIComponent(id)}`,
        });
      }
    },

    onCreate() {
      void wx.navigateTo({ url: '/admin/pages/channel-qr/edit/index' });
    },

    async onCopy(event: TapEvent) {
      const qr = channelQrsStore.qrs.find((item) => item.qrId === event.currentTarget.dataset.qrId);
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
      const outcome = await channelQrsStore.copy(qr.qrId);
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
      void wx.navigateTo({
        url: `/admin/pages/channel-qr/edit/index?qrId=${encodeURIComponent(outcome.data.qrId)}`,
      });
    },

    async onDownloadZip() {
      const chosen = channelQrsStore.selected.length;
      if (chosen === 0) return;
      const usable = channelQrsStore.downloadableQrs.length;
      if (usable === 0) {
        void wx.showModal({
          title: '无法下载',
          content: '所选二维码都未创建成功，没有可下载的图片',
          showCancel: false,
        });
        return;
      }
      const choice = await chooseFrom(
        '选择图片尺寸',
        zipChoices(qrLogoStore.logoFileId !== undefined),
      );
      if (!choice) return;
      const skipped = chosen - usable;
      await offerFile(
        await channelQrsStore.downloadZip(choice.size, choice.logo),
        '下载失败',
        skipped > 0 ? `已跳过 ${skipped} 个未创建成功的二维码。` : '',
      );
    },

    async onExportLinks() {
      await offerFile(await channelQrsStore.exportLinks(), '导出失败');
    },

    async onDeleteSelected() {
      const chosen = channelQrsStore.selectedQrs;
      if (chosen.length === 0) return;
      const go = await confirmAction({
        title: chosen.length > 1 ? `批量删除 ${chosen.length} 个二维码` : '删除二维码',
        content: deletePrompt(chosen.map((qr) => qr.status)),
        confirmText: '删除',
        danger: true,
      });
      if (!go) return;
      const outcome = await channelQrsStore.deleteQrs(chosen.map((qr) => qr.qrId));
      if (outcome.ok === 'busy') return;
      if (!outcome.ok) {
        void wx.showModal({
          title: '删除失败',
          content: describeChannelQrError(outcome.error),
          showCancel: false,
        });
        return;
      }
      const { deleted, skipped } = outcome.data;
      void wx.showToast({
        title: skipped.length
          ? `已删除 ${deleted.length} 个，${skipped.length} 个未删除`
          : `已删除 ${deleted.length} 个`,
        icon: skipped.length ? 'none' : 'success',
      });
    },
  },
});

/** A made file: WeChat opens neither zip nor CSV, so the link is offered to copy. */
async function offerFile(
  outcome:
    { ok: true; data: DownloadResult } | { ok: false; error: EnvelopeError } | { ok: 'busy' },
  failTitle: string,
  note = '',
): Promise<void> {
  if (outcome.ok === 'busy') return;
  if (!outcome.ok) {
    void wx.showModal({
      title: failTitle,
      content: describeChannelQrError(outcome.error),
      showCancel: false,
    });
    return;
  }
  const url = outcome.data.file.url;
  const copy = await confirmAction({
    title: '文件已生成',
    content: `${note}${fileReadyText(outcome.data)}`,
    confirmText: '复制链接',
  });
  if (copy) void wx.setClipboardData({ data: url });
}
