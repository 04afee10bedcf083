import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { channelQrDetailStore } from '../../../stores/channel-qr-detail';
import { qrAudiencesStore } from '../../../stores/qr-audiences';
import { qrScannerExportStore } from '../../../stores/qr-scanner-export';
import { qrScannersStore } from '../../../stores/qr-scanners';
import { adminSessionStore } from '../../../stores/session';
import { confirmAction } from '../../../utils/confirm';
import { chinaTimeText, describeChannelQrError } from '../present';
import { exportCard, scannerRows } from '../exports';

function errorText(error: EnvelopeError | null): string {
  return error ? describeChannelQrError(error) : '';
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { url?: string }
>;

interface ValueEvent<D> {
  detail: D;
}

const AUDIENCE_STATE_LABELS = { building: '生成中', ready: '已生成', failed: '生成失败' } as const;
const AUDIENCE_STATE_TAGS = { building: 'primary', ready: 'success', failed: 'danger' } as const;

/** The code's name as the details page (below on the page stack) read it, or '' when unknown. */
function qrName(): string {
  const qr = channelQrDetailStore.qr;
  return qr && qr.qrId === qrScannersStore.qrId ? qr.name : '';
}

/**
 * 扫码用户 of one channel QR code: look up an OpenID, sort by scan time either way, page on
 * reaching the bottom; export the list as filtered (progress, files with links, resumed when the
 * operator comes back); freeze it as an audience.
 */
ComponentWithStore({
  data: {
    notice: '',
    noticeKind: 'error' as 'error' | 'success',
    audienceName: '',
  },

  storeBindings: {
    store: qrScannersStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listQrScanners'),
      mayExport: () => adminSessionStore.can('exportQrScanners'),
      mayCreateAudience: () => adminSessionStore.can('createAudience'),
      qrName,
      openidInput: () => qrScannersStore.openidInput,
      searched: () => qrScannersStore.openid,
      orderText: () => (qrScannersStore.order === 'desc' ? '最新扫码在前' : '最早扫码在前'),
      status: () => qrScannersStore.list.status,
      listError: () => errorText(qrScannersStore.list.error),
      listErrorCode: () => qrScannersStore.list.error?.code ?? '',
      rows: () => scannerRows(qrScannersStore.scanners),
      hasMore: () => qrScannersStore.list.hasMore,
      loadingMore: () => qrScannersStore.list.loadingMore,

      exportPhase: () => qrScannerExportStore.phase,
      exportRunning: () => qrScannerExportStore.running,
      exportCard: () =>
        qrScannerExportStore.progress ? exportCard(qrScannerExportStore.progress) : null,
      exportError: () => errorText(qrScannerExportStore.error),
      exportRefreshing: () => qrScannerExportStore.refreshing,

      audiencesStatus: () => qrAudiencesStore.status,
      audiencesError: () => errorText(qrAudiencesStore.error),
      audiences: () =>
        qrAudiencesStore.audiences.map((audience) => ({
          audienceId: audience.audienceId,
          name: audience.name,
          stateText: AUDIENCE_STATE_LABELS[audience.state],
          stateTag: AUDIENCE_STATE_TAGS[audience.state],
          // A large snapshot is built by the scheduler a unit a minute: the size so far.
          sizeText:
            audience.state === 'building'
              ? `已加入 ${audience.size} 人，下拉刷新查看进度`
              : `${audience.size} 人`,
          snapshotText: `截至 ${chinaTimeText(audience.snapshotAt)}`,
        })),
      creatingAudience: () => qrAudiencesStore.creating,
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      const qrId = query.qrId ?? '';
      qrScannersStore.reset(qrId);
      qrScannerExportStore.reset(qrId);
      qrAudiencesStore.reset(qrId);
      await adminSessionStore.ensureMe();
      await this.loadAll();
    },

    onUnload() {
      qrScannerExportStore.stopPolling();
    },

    onHide() {
      qrScannerExportStore.stopPolling();
    },

    // Back on screen: a running export moved meanwhile (and polling had stopped).
    onShow() {
      if (qrScannerExportStore.running) void qrScannerExportStore.refresh();
    },

    async loadAll() {
      if (!adminSessionStore.can('listQrScanners')) return;
      await Promise.all([
        qrScannersStore.load(),
        qrScannerExportStore.resume(),
        qrAudiencesStore.load(),
      ]);
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      await this.loadAll();
    },

    onRetryList() {
      void qrScannersStore.load();
    },

    onRetryAudiences() {
      void qrAudiencesStore.load();
    },

    async onPullDownRefresh() {
      await Promise.all([
        qrScannersStore.load(),
        qrScannerExportStore.refresh(),
        qrAudiencesStore.load(),
      ]);
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.onMore();
    },

    async onMore() {
      const outcome = await qrScannersStore.loadMore();
      if (outcome.ok === false) this.say(describeChannelQrError(outcome.error));
      else if (outcome.ok === true) this.setData({ notice: '' });
    },

    onOpenidInput(event: ValueEvent<string>) {
      qrScannersStore.setOpenidInput(String(event.detail ?? ''));
    },

    onSearch() {
      this.setData({ notice: '' });
      void qrScannersStore.search();
    },

    onClearSearch() {
      this.setData({ notice: '' });
      void qrScannersStore.clearSearch();
    },

    onToggleOrder() {
      void qrScannersStore.toggleOrder();
    },

    async onExport() {
      const searched = qrScannersStore.openid;
      const go = await confirmAction({
        title: '导出扫码用户',
        content: searched
          ? `导出 OpenID 为 ${searched} 的扫码用户（CSV：OpenID、粉丝标签、扫码时间、回复状态）。`
          : '按当前排序导出全部扫码用户为 CSV（OpenID、粉丝标签、扫码时间、回复状态），每 10 万行一个文件，最多 200 万行。导出在后台进行，可离开本页稍后回来查看。',
        confirmText: '导出',
      });
      if (!go) return;
      this.setData({ notice: '' });
      // A refusal shows in the export card (qrScannerExportStore.error).
      await qrScannerExportStore.start(qrScannersStore.filter);
    },

    onRefreshExport() {
      void qrScannerExportStore.refresh();
    },

    // CSV is not among the files WeChat's viewer opens (wx.openDocument: office files and PDF):
    // the link goes to a computer's browser, or is sent on.
    onCopyFileLink(event: TapEvent) {
      const url = event.currentTarget.dataset.url;
      if (url) void wx.setClipboardData({ data: url });
    },

    onAudienceName(event: ValueEvent<string>) {
      this.setData({ audienceName: String(event.detail ?? '') });
    },

    async onCreateAudience() {
      const name = this.data.audienceName.trim() || defaultAudienceName(qrName());
      const go = await confirmAction({
        title: '保存为人群',
        content: `将此刻已扫码的全部用户保存为人群「${name}」。人群是一份冻结的名单：之后新扫码的用户不会加入，可供后续群发、营销等功能使用。`,
        confirmText: '保存',
      });
      if (!go) return;
      this.setData({ notice: '' });
      const outcome = await qrAudiencesStore.create(name);
      if (outcome.ok === 'busy') return;
      if (!outcome.ok) {
        this.say(describeChannelQrError(outcome.error));
        return;
      }
      this.setData({ audienceName: '' });
      void wx.showToast({ title: '人群已保存', icon: 'success' });
    },

    say(notice: string, kind: 'error' | 'success' = 'error') {
      this.setData({ notice, noticeKind: kind });
    },
  },
});

/** `门店海报 扫码用户 2025-03-01 09:30` (China time): what an unnamed audience is called. */
function defaultAudienceName(name: string): string {
  return `${name || '渠道码'} 扫码用户 ${chinaTimeText(new Date().toISOString())}`.slice(0, 64);
}
