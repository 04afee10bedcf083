import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { landingStore } from '../../stores/landing';
import { rewardStore } from '../../stores/reward';
import { describeLandingError } from './errors';
import {
  canShowOfficialAccount,
  classifyScan,
  describeScene,
  normalizeRawCode,
  RAW_CODE_LENGTH,
  validateRawCode,
} from './scan-input';

const LANDING_PATH = 'pages/landing/index';
const IN_APP_SCAN_LABEL = '小程序内扫码';
const MANUAL_ENTRY_LABEL = '手动输入';
// Room for the spaces people paste around or inside a code ("012 345 678"): the field would cut a
// pasted code at 9 characters before normalizeRawCode could drop them.
const CODE_INPUT_MAX_LENGTH = RAW_CODE_LENGTH + 6;

type LandingQuery = Record<string, string | undefined>;

interface EntryInfo {
  scene?: number;
  path?: string;
  ticket?: string;
}

/** The current entry (hot starts update it; getLaunchOptionsSync keeps the first launch's). */
function currentEntry(): EntryInfo {
  if (typeof wx.getEnterOptionsSync !== 'function') return {};
  const enter = wx.getEnterOptionsSync();
  const ticket = (enter.query?.code_ticket ?? '').trim();
  return { scene: enter.scene, path: enter.path, ...(ticket ? { ticket } : {}) };
}

function launchScene(): number | undefined {
  return typeof wx.getLaunchOptionsSync === 'function'
    ? wx.getLaunchOptionsSync().scene
    : undefined;
}

/**
 * The consumer landing page (main package). Written with Component() so component tests render it
 * and so the store binding follows the component's lifetime.
 */
ComponentWithStore({
  data: {
    sceneLabel: '',
    officialAccount: false,
    codeInput: '',
    codeError: '',
    codeLength: RAW_CODE_LENGTH,
    codeInputMaxLength: CODE_INPUT_MAX_LENGTH,
  },

  storeBindings: {
    store: landingStore,
    fields: {
      status: () => landingStore.status,
      view: () => landingStore.view,
      requestCode: () => (landingStore.request?.kind === 'code' ? landingStore.request.code : ''),
      errorView: () =>
        landingStore.error
          ? describeLandingError(landingStore.error, landingStore.requestKind ?? 'ticket')
          : null,
    },
    // The page calls the store's actions itself (they take arguments from events and entry).
    actions: {},
  } as const,

  methods: {
    onLoad(query: LandingQuery) {
      const entry = this.noteEntry();
      const ticket = (query.code_ticket ?? '').trim();
      if (!ticket) return;
      // A page opened again with the ticket it already shows (or is resolving) keeps that result.
      const settled = landingStore.status === 'loading' || landingStore.status === 'ready';
      if (ticket === landingStore.lastTicket && settled) return;
      this.setData({ sceneLabel: describeScene(entry.scene) });
      void landingStore.resolveTicket(ticket, entry.scene);
    },

    onShow() {
      // A re-scan while the Mini Program is alive (hot start) reaches an open page only here.
      const entry = this.noteEntry();
      if (!entry.ticket || entry.ticket === landingStore.lastTicket) return;
      if (entry.path && entry.path !== LANDING_PATH) return;
      this.setData({ sceneLabel: describeScene(entry.scene) });
      void landingStore.resolveTicket(entry.ticket, entry.scene);
    },

    /**
     * Reads the entry scene once per show: it decides whether `<official-account>` can render and
     * whether a reward can be claimed (only in a scan launch).
     */
    noteEntry(): EntryInfo {
      const entry = currentEntry();
      this.setData({ officialAccount: canShowOfficialAccount(entry.scene, launchScene()) });
      rewardStore.noteEntryScene(entry.scene);
      return entry;
    },

    onShareAppMessage(): WechatMiniprogram.Page.ICustomShareContent {
      // Shares the product, never the ticket: a ticket is one person's scan, not a link to pass on.
      const product = landingStore.view?.product;
      if (!product) return { title: '码上验真：扫一扫，辨真伪', path: `/${LANDING_PATH}` };
      return {
        title: `${product.brand} ${product.title}｜扫码验真，查看溯源`,
        path: `/${LANDING_PATH}`,
        ...(product.images[0] ? { imageUrl: product.images[0] } : {}),
      };
    },

    onCodeChange(event: { detail: string }) {
      // Clear a stale error as soon as the user edits, rather than on the next submit.
      this.setData({ codeInput: event.detail, codeError: '' });
    },

    onCodeSubmit() {
      const code = normalizeRawCode(this.data.codeInput);
      const error = validateRawCode(code);
      if (error) {
        this.setData({ codeError: error });
        return;
      }
      this.setData({ codeInput: code, codeError: '', sceneLabel: MANUAL_ENTRY_LABEL });
      void landingStore.verifyCode(code);
    },

    async onScanTap() {
      let scanned: WechatMiniprogram.ScanCodeSuccessCallbackResult;
      try {
        scanned = await wx.scanCode({ scanType: ['qrCode', 'barCode', 'datamatrix'] });
      } catch (err) {
        // Closing the scanner is a choice, not an error worth a toast.
        if (/cancel/.test((err as { errMsg?: string }).errMsg ?? '')) return;
        wx.showToast({ title: '扫码失败，请重试', icon: 'none' });
        return;
      }
      const outcome = classifyScan(scanned);
      if (outcome.kind === 'unknown') {
        wx.showToast({ title: '未识别到防伪码，请扫商品上的防伪码', icon: 'none' });
        return;
      }
      this.setData({ sceneLabel: IN_APP_SCAN_LABEL });
      if (outcome.kind === 'ticket') void landingStore.resolveTicket(outcome.ticket);
      else void landingStore.verifyCode(outcome.code);
    },

    onRetry() {
      void landingStore.retry();
    },

    /** Back to the welcome screen (scan or type a code); a typed code stays in the field. */
    onBackHome() {
      landingStore.reset();
      this.setData({ sceneLabel: '' });
    },
  },
});
