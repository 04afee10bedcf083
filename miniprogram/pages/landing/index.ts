import { maskMiddle } from '../../utils/mask';
import {
  classifyScan,
  describeScene,
  normalizeRawCode,
  RAW_CODE_LENGTH,
  validateRawCode,
} from './scan-input';

/**
 * - `ticket`: arrived with a code_ticket (marketcode scan); resolving it comes with the scan service.
 * - `code`: a well-formed raw code was entered or scanned; verifying it comes with the scan service.
 * - `welcome`: opened without anything to verify.
 */
type LandingMode = 'welcome' | 'ticket' | 'code';

type LandingQuery = Record<string, string | undefined>;

function enterScene(): number | undefined {
  // Hot starts keep the first launch's options in getLaunchOptionsSync; enter options are current.
  return typeof wx.getEnterOptionsSync === 'function' ? wx.getEnterOptionsSync().scene : undefined;
}

Component({
  data: {
    mode: 'welcome' as LandingMode,
    ticketPreview: '',
    sceneLabel: '',
    codeInput: '',
    codeError: '',
    submittedCode: '',
    codeMaxLength: RAW_CODE_LENGTH,
  },

  methods: {
    onLoad(query: LandingQuery) {
      const ticket = (query.code_ticket ?? '').trim();
      if (ticket) this.showTicket(ticket, describeScene(enterScene()));
    },

    showTicket(ticket: string, sceneLabel: string) {
      // The full ticket is a credential for this scan: keep it off the screen.
      this.setData({ mode: 'ticket', ticketPreview: maskMiddle(ticket, 6, 4), sceneLabel });
    },

    showCode(code: string) {
      this.setData({ mode: 'code', submittedCode: code, codeInput: code, codeError: '' });
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
      this.showCode(code);
    },

    onReenter() {
      this.setData({ mode: 'welcome', submittedCode: '', codeError: '' });
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
      if (outcome.kind === 'ticket') this.showTicket(outcome.ticket, '小程序内扫码');
      else if (outcome.kind === 'code') this.showCode(outcome.code);
      else wx.showToast({ title: '未识别到防伪码，请扫商品上的防伪码', icon: 'none' });
    },
  },
});
