import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { DataExportKind } from '../../../../../typings/admin';
import { exportsStore } from '../../../stores/exports';
import { adminSessionStore } from '../../../stores/session';
import { describeMemberError } from '../../../utils/errors';
import { EXPORT_KINDS, describeStatsError, exportRow } from '../present';

/** How often the list is read again while an export runs. */
const POLL_MS = 3_000;

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { kind?: DataExportKind; url?: string }
>;
type PickerEvent = WechatMiniprogram.CustomEvent<{ value: string }>;

let pollTimer: ReturnType<typeof setInterval> | undefined;

/**
 * 导出 (within 数据): scans, payouts or scanners of a period as CSV files for a CRM. The export
 * runs in the background; the page shows its progress, reads it again every few seconds while it
 * runs, and lists each file with a link to copy (links last a day; reopening gives fresh ones).
 */
ComponentWithStore({
  data: { kinds: EXPORT_KINDS, notice: '', noticeKind: 'error' },

  storeBindings: {
    store: exportsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () =>
        adminSessionStore.error ? describeMemberError(adminSessionStore.error) : '',
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayExport: () => adminSessionStore.can('exportData'),
      kind: () => exportsStore.kind,
      fromDate: () => exportsStore.fromDate,
      toDate: () => exportsStore.toDate,
      productChoices: () => [{ value: '', name: '全部商品' }, ...exportsStore.products],
      productIndex: () =>
        exportsStore.productId
          ? exportsStore.products.findIndex((item) => item.value === exportsStore.productId) + 1
          : 0,
      productLabel: () =>
        exportsStore.products.find((item) => item.value === exportsStore.productId)?.name ??
        '全部商品',
      campaignChoices: () => [{ value: '', name: '全部活动' }, ...exportsStore.campaigns],
      campaignIndex: () =>
        exportsStore.campaignId
          ? exportsStore.campaigns.findIndex((item) => item.value === exportsStore.campaignId) + 1
          : 0,
      campaignLabel: () =>
        exportsStore.campaigns.find((item) => item.value === exportsStore.campaignId)?.name ??
        '全部活动',
      formProblem: () => exportsStore.formProblem,
      running: () => exportsStore.running,
      starting: () => exportsStore.starting,
      status: () => exportsStore.status,
      errorText: () => describeStatsError(exportsStore.error),
      errorCode: () => exportsStore.error?.code ?? '',
      rows: () => exportsStore.exports.map(exportRow),
    },
    actions: {},
  } as const,

  lifetimes: {
    detached() {
      stopPolling();
    },
  },

  pageLifetimes: {
    hide() {
      stopPolling();
    },
    show() {
      if (exportsStore.running) startPolling();
    },
  },

  methods: {
    async onLoad() {
      exportsStore.reset();
      this.setData({ notice: '' });
      await adminSessionStore.ensureMe();
      if (!adminSessionStore.can('exportData')) return;
      await exportsStore.load();
      if (exportsStore.running) startPolling();
    },

    onUnload() {
      stopPolling();
    },

    async onPullDownRefresh() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('exportData')) await exportsStore.load();
      wx.stopPullDownRefresh();
    },

    async onRetry() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('exportData')) await exportsStore.load();
    },

    onKind(event: TapEvent) {
      const kind = event.currentTarget.dataset.kind;
      if (kind) exportsStore.setKind(kind);
    },

    onPickFrom(event: PickerEvent) {
      exportsStore.setDates(event.detail.value, exportsStore.toDate);
    },

    onPickTo(event: PickerEvent) {
      exportsStore.setDates(exportsStore.fromDate, event.detail.value);
    },

    onPickProduct(event: PickerEvent) {
      const index = Number(event.detail.value);
      exportsStore.setProduct(index > 0 ? (exportsStore.products[index - 1]?.value ?? '') : '');
    },

    onPickCampaign(event: PickerEvent) {
      const index = Number(event.detail.value);
      exportsStore.setCampaign(index > 0 ? (exportsStore.campaigns[index - 1]?.value ?? '') : '');
    },

    async onStart() {
      this.setData({ notice: '' });
      const outcome = await exportsStore.start();
      if (!outcome.ok) {
        this.setData({ notice: describeStatsError(outcome.error), noticeKind: 'error' });
        return;
      }
      this.setData({
        notice: '已开始导出：大量数据会在后台继续，可离开本页，稍后回来取文件',
        noticeKind: 'success',
      });
      if (exportsStore.running) startPolling();
    },

    onCopyLink(event: TapEvent) {
      const url = event.currentTarget.dataset.url;
      if (!url) return;
      wx.setClipboardData({ data: url });
    },
  },
});

function startPolling(): void {
  if (pollTimer !== undefined) return;
  pollTimer = setInterval(() => {
    if (!exportsStore.running) {
      stopPolling();
      return;
    }
    void exportsStore.load(true);
  }, POLL_MS);
}

function stopPolling(): void {
  if (pollTimer !== undefined) clearInterval(pollTimer);
  pollTimer = undefined;
}
