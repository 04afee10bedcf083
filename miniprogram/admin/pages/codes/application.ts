/**
 * 码包详情: one page's Component (lifecycle, polling until FINISH, import, the export and activation
 * sheets, the range map) over one `data` object and one store. Over 400 lines on purpose: every
 * rule it applies is already pure and tested apart (present.ts, range-forms.ts); what is left is
 * handlers that share this page's data, which a split (a Behavior) would only scatter.
 */
import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { CodeRangeView, ExportFormat } from '../../../../typings/admin';
import type { EnvelopeError } from '../../../../typings/envelope';
import { codeApplicationStore } from '../../stores/code-application';
import { adminSessionStore } from '../../stores/session';
import { confirmAction } from '../../utils/confirm';
import { downloadToTemp, openDownloaded } from '../../utils/files';
import {
  MAX_POLLS,
  POLL_MS,
  applicationHead,
  countText,
  describeCodesError,
  generatedRows,
  rangeMap,
  segmentDetail,
} from './present';
import {
  DEFAULT_WXA_PATH,
  EXPORT_FORMATS,
  WXA_TYPE_CHOICES,
  activationConfirmation,
  checkActivation,
  checkExport,
  exportCard,
} from './range-forms';

function errorText(error: EnvelopeError | null): string {
  return error ? describeCodesError(error) : '';
}

type Dataset = { codeStart?: number | string; format?: ExportFormat; url?: string; index?: number };
type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  Dataset
>;

let pollTimer: ReturnType<typeof setInterval> | undefined;
let polls = 0;

function stopPolling(): void {
  if (pollTimer !== undefined) clearInterval(pollTimer);
  pollTimer = undefined;
}

/** The generated range starting at `codeStart` (from a tap's dataset). */
function generatedRange(codeStart: number | string | undefined): CodeRangeView | undefined {
  const start = Number(codeStart);
  const found = codeApplicationStore.view?.generated.find((g) => g.codeStart === start);
  return found ? { codeStart: found.codeStart, codeEnd: found.codeEnd } : undefined;
}

/**
 * One application: status until FINISH (refreshed every few seconds while open), its ranges
 * with their import state, import / export / activate per range, and the range map.
 */
ComponentWithStore({
  data: {
    notice: '',
    noticeType: 'success' as 'success' | 'error',
    /** The range whose export or activation form is open (-1: none). */
    exportFor: -1,
    exportFrom: '',
    exportTo: '',
    exportFormats: ['csv'] as ExportFormat[],
    formatChips: EXPORT_FORMATS.map((f) => ({ ...f, on: f.value === 'csv' })),
    activateFor: -1,
    activateStart: '',
    activateEnd: '',
    productIndex: -1,
    activityName: '',
    wxaPath: DEFAULT_WXA_PATH,
    wxaTypeIndex: 0,
    wxaTypeChoices: WXA_TYPE_CHOICES.map((c) => ({ value: c.value, name: c.name })),
    polling: false,
  },

  storeBindings: {
    store: codeApplicationStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listRanges'),
      mayRefresh: () => adminSessionStore.can('refreshApplication'),
      mayImport: () => adminSessionStore.can('importRange'),
      mayExport: () => adminSessionStore.can('exportRange'),
      mayActivate: () => adminSessionStore.can('activateRange'),
      status: () => codeApplicationStore.status,
      loadError: () => errorText(codeApplicationStore.error),
      loadErrorCode: () => codeApplicationStore.error?.code ?? '',
      head: () =>
        codeApplicationStore.view ? applicationHead(codeApplicationStore.view.application) : null,
      ready: () => codeApplicationStore.ready,
      refreshing: () => codeApplicationStore.refreshing,
      ranges: () =>
        generatedRows(
          codeApplicationStore.view?.generated ?? [],
          codeApplicationStore.importingStart,
        ),
      importing: () => codeApplicationStore.importingStart !== null,
      map: () => rangeMap(codeApplicationStore.view?.segments ?? []),
      segment: () => {
        const start = codeApplicationStore.selectedSegment;
        const found = codeApplicationStore.view?.segments.find((s) => s.codeStart === start);
        return found ? segmentDetail(found) : null;
      },
      exporting: () => codeApplicationStore.exporting,
      exported: () =>
        codeApplicationStore.exportResult ? exportCard(codeApplicationStore.exportResult) : null,
      activating: () => codeApplicationStore.activating,
      productsStatus: () => codeApplicationStore.productsStatus,
      products: () =>
        codeApplicationStore.products.map((p) => ({
          productId: p.productId,
          name: `${p.title}（${p.brand}）`,
        })),
    },
    actions: {},
  } as const,

  lifetimes: {
    detached() {
      stopPolling();
    },
  },

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      stopPolling();
      codeApplicationStore.open(query.applicationId ?? '');
      this.setData({ notice: '', exportFor: -1, activateFor: -1 });
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listRanges')) await this.reload();
    },

    onUnload() {
      stopPolling();
    },

    async reload() {
      await codeApplicationStore.load();
      this.pollUntilFinished();
    },

    /** While WeChat generates the codes, asks again every few seconds (callers who may refresh). */
    pollUntilFinished() {
      if (
        pollTimer !== undefined ||
        codeApplicationStore.status !== 'ready' ||
        codeApplicationStore.ready ||
        !adminSessionStore.can('refreshApplication')
      ) {
        return;
      }
      polls = 0;
      this.setData({ polling: true });
      pollTimer = setInterval(() => {
        polls += 1;
        void this.pollOnce();
      }, POLL_MS);
    },

    async pollOnce() {
      if (codeApplicationStore.refreshing) return;
      const outcome = await codeApplicationStore.refresh();
      if (outcome.ok === 'busy') return;
      if (outcome.ok === false) this.say(describeCodesError(outcome.error), 'error');
      if (outcome.ok === false || codeApplicationStore.ready || polls >= MAX_POLLS) {
        stopPolling();
        this.setData({ polling: false });
      }
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listRanges')) await this.reload();
    },

    onRetryLoad() {
      void this.reload();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listRanges')) await this.reload();
      wx.stopPullDownRefresh();
    },

    say(notice: string, noticeType: 'success' | 'error') {
      this.setData({ notice, noticeType });
    },

    async onRefresh() {
      this.setData({ notice: '' });
      const outcome = await codeApplicationStore.refresh();
      if (outcome.ok === false) this.say(describeCodesError(outcome.error), 'error');
      else if (outcome.ok === true && codeApplicationStore.ready) {
        stopPolling();
        this.setData({ polling: false });
        this.say('码包已生成，可以导入了', 'success');
      }
    },

    async onImport(event: TapEvent) {
      const range = generatedRange(event.currentTarget.dataset.codeStart);
      if (!range || codeApplicationStore.importingStart !== null) return;
      const count = countText(range.codeEnd - range.codeStart + 1);
      this.setData({ notice: '', exportFor: -1, activateFor: -1 });
      // One long call (download, decrypt, write every code): the phone waits behind a mask.
      wx.showLoading({ title: `正在导入 ${count} 个码`, mask: true });
      const outcome = await codeApplicationStore.importRange(range);
      wx.hideLoading();
      if (outcome.ok === 'busy') return;
      if (outcome.ok) {
        this.say(
          outcome.alreadyImported
            ? `该码段此前已导入（${countText(outcome.importedCount)} 个码）`
            : `已导入 ${countText(outcome.importedCount)} 个码`,
          'success',
        );
        return;
      }
      const code = outcome.error.code;
      if (outcome.state === 'importing') {
        // The server is still at it (or the reply was lost mid-way): never call that a failure.
        this.say('导入仍在服务器上进行，请稍后下拉刷新查看结果', 'success');
      } else if (code === 'NETWORK_ERROR' || code === 'BAD_REPLY') {
        this.say(
          `${describeCodesError(outcome.error)}。导入结果未确认，请下拉刷新查看码段状态后再决定是否重新导入`,
          'error',
        );
      } else {
        this.say(describeCodesError(outcome.error), 'error');
      }
    },

    onOpenExport(event: TapEvent) {
      const range = generatedRange(event.currentTarget.dataset.codeStart);
      if (!range) return;
      codeApplicationStore.closeExport();
      this.setData({
        notice: '',
        activateFor: -1,
        exportFor: range.codeStart,
        exportFrom: String(range.codeStart),
        exportTo: String(range.codeEnd),
      });
    },

    onCloseForms() {
      codeApplicationStore.closeExport();
      this.setData({ exportFor: -1, activateFor: -1 });
    },

    onToggleFormat(event: TapEvent) {
      const format = event.currentTarget.dataset.format;
      if (!format) return;
      const on = this.data.exportFormats.includes(format);
      const formats = on
        ? this.data.exportFormats.filter((f) => f !== format)
        : [...this.data.exportFormats, format];
      this.setData({
        exportFormats: formats,
        formatChips: EXPORT_FORMATS.map((f) => ({ ...f, on: formats.includes(f.value) })),
      });
    },

    onExportFrom(event: { detail: string }) {
      this.setData({ exportFrom: event.detail });
    },

    onExportTo(event: { detail: string }) {
      this.setData({ exportTo: event.detail });
    },

    async onExport() {
      const range = generatedRange(this.data.exportFor);
      if (!range) return;
      const checked = checkExport(range, {
        from: this.data.exportFrom,
        to: this.data.exportTo,
        formats: this.data.exportFormats,
      });
      if ('message' in checked) {
        this.say(checked.message, 'error');
        return;
      }
      this.setData({ notice: '' });
      wx.showLoading({
        title: `正在导出 ${countText(checked.to - checked.from + 1)} 个码`,
        mask: true,
      });
      const outcome = await codeApplicationStore.exportRange(range, checked);
      wx.hideLoading();
      if (outcome.ok === false) this.say(describeCodesError(outcome.error), 'error');
    },

    onCopyLink(event: TapEvent) {
      const url = event.currentTarget.dataset.url;
      if (url) wx.setClipboardData({ data: url });
    },

    async onDownload(event: TapEvent) {
      const url = event.currentTarget.dataset.url;
      if (!url) return;
      this.setData({ notice: '' });
      wx.showLoading({ title: '正在下载', mask: true });
      let filePath: string;
      try {
        filePath = await downloadToTemp(url);
      } catch {
        wx.hideLoading();
        this.say('下载失败，请检查网络后重试，或复制链接在浏览器中打开', 'error');
        return;
      }
      wx.hideLoading();
      try {
        await openDownloaded(filePath);
      } catch {
        // WeChat opens office files and PDF only: CSV, zip and images go by their link.
        wx.setClipboardData({ data: url });
        this.say(
          '微信无法直接打开此类文件，已复制下载链接，请在浏览器中打开或发给印刷厂',
          'success',
        );
      }
    },

    onOpenActivate(event: TapEvent) {
      const range = generatedRange(event.currentTarget.dataset.codeStart);
      if (!range) return;
      codeApplicationStore.closeExport();
      this.setData({
        notice: '',
        exportFor: -1,
        activateFor: range.codeStart,
        activateStart: String(range.codeStart),
        activateEnd: String(range.codeEnd),
        productIndex: -1,
        activityName: '',
        wxaPath: DEFAULT_WXA_PATH,
        wxaTypeIndex: 0,
      });
      if (codeApplicationStore.productsStatus !== 'ready') void codeApplicationStore.loadProducts();
    },

    onRetryProducts() {
      void codeApplicationStore.loadProducts();
    },

    onActivateStart(event: { detail: string }) {
      this.setData({ activateStart: event.detail });
    },

    onActivateEnd(event: { detail: string }) {
      this.setData({ activateEnd: event.detail });
    },

    onPickProduct(event: TapEvent) {
      const index = Number(event.currentTarget.dataset.index);
      const product = codeApplicationStore.products[index];
      if (!product) return;
      this.setData({
        productIndex: index,
        // A name the operator can keep: the product's, as WeChat shows it in its records.
        activityName: this.data.activityName || `${product.title} 扫码验真`,
      });
    },

    onActivityName(event: { detail: string }) {
      this.setData({ activityName: event.detail });
    },

    onWxaPath(event: { detail: string }) {
      this.setData({ wxaPath: event.detail });
    },

    onPickWxaType(event: TapEvent) {
      this.setData({ wxaTypeIndex: Number(event.currentTarget.dataset.index) || 0 });
    },

    async onActivate() {
      const range = generatedRange(this.data.activateFor);
      if (!range) return;
      const plan = checkActivation(range, codeApplicationStore.products, {
        codeStart: this.data.activateStart,
        codeEnd: this.data.activateEnd,
        productIndex: this.data.productIndex,
        activityName: this.data.activityName,
        wxaPath: this.data.wxaPath,
        wxaType: WXA_TYPE_CHOICES[this.data.wxaTypeIndex]?.value ?? 0,
      });
      if ('message' in plan) {
        this.say(plan.message, 'error');
        return;
      }
      const confirmed = await confirmAction({
        title: '激活码段',
        content: activationConfirmation(plan),
        confirmText: '确认激活',
      });
      if (!confirmed) return;
      const outcome = await codeApplicationStore.activate({
        codeStart: plan.codeStart,
        codeEnd: plan.codeEnd,
        activityName: plan.activityName,
        productBrand: plan.product.brand,
        productTitle: plan.product.title,
        productCode: plan.product.ean,
        wxaPath: plan.wxaPath,
        wxaType: plan.wxaType,
      });
      if (outcome.ok === 'busy') return;
      if (outcome.ok) {
        this.setData({ activateFor: -1 });
        this.say(`已激活 ${plan.codeStart}–${plan.codeEnd}：${plan.product.title}`, 'success');
      } else {
        this.say(describeCodesError(outcome.error), 'error');
      }
    },

    onTapSegment(event: TapEvent) {
      const start = Number(event.currentTarget.dataset.codeStart);
      if (Number.isSafeInteger(start)) codeApplicationStore.selectSegment(start);
    },
  },
});
