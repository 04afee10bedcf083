import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import type { PayoutStateKind } from '../../../../typings/reward';
import { adminSessionStore } from '../../stores/session';
import { payoutsStore } from '../../stores/payouts';
import {
  campaignChoices,
  checkCodeInput,
  choiceIndex,
  describePayoutError,
  filterBar,
  payoutRows,
  stateChoices,
} from './present';

function errorText(error: EnvelopeError | null): string {
  return error ? describePayoutError(error) : '';
}

type PickerEvent = WechatMiniprogram.CustomEvent<{ value: string | number }>;
type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { outNo?: string }
>;

/** 发放记录 (read-only): payouts by campaign, state and flag, a code's payout, and its ledger. */
ComponentWithStore({
  data: {
    /** What is typed in the code field (searched on 查询 or the keyboard's confirm). */
    codeInput: '',
    notice: '',
  },

  storeBindings: {
    store: payoutsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listPayouts'),
      status: () => payoutsStore.list.status,
      listError: () => errorText(payoutsStore.list.error),
      listErrorCode: () => payoutsStore.list.error?.code ?? '',
      payouts: () => payoutRows(payoutsStore.payouts, payoutsStore.expandedOutNo),
      hasMore: () => payoutsStore.list.hasMore,
      loadingMore: () => payoutsStore.list.loadingMore,
      campaignsFailed: () => payoutsStore.campaignsStatus === 'error',
      bar: () => filterBar(payoutsStore.filters, payoutsStore.campaigns),
      campaignChoices: () => campaignChoices(payoutsStore.campaigns),
      campaignIndex: () =>
        choiceIndex(campaignChoices(payoutsStore.campaigns), payoutsStore.filters.campaignId),
      stateChoices: () => stateChoices(),
      stateIndex: () => choiceIndex(stateChoices(), payoutsStore.filters.state),
    },
    // The page calls the store itself: filters come from pickers and the code field.
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      // Opened for one campaign (e.g. from 活动), one code, or the flagged ones (工作台): start filtered.
      const typed = checkCodeInput(query.code ?? '');
      const code = 'code' in typed ? typed.code : '';
      payoutsStore.reset({
        campaignId: query.campaignId ?? '',
        code,
        flagged: query.flagged === '1' || query.flagged === 'true',
      });
      this.setData({ codeInput: code, notice: '' });
      await this.start();
    },

    async start() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listPayouts')) await payoutsStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listPayouts')) await payoutsStore.load();
    },

    onRetryList() {
      void payoutsStore.loadPayouts();
    },

    onRetryCampaigns() {
      void payoutsStore.loadCampaigns();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listPayouts')) await payoutsStore.load();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.onMore();
    },

    async onMore() {
      const outcome = await payoutsStore.loadMore();
      if (outcome.ok === false) this.setData({ notice: describePayoutError(outcome.error) });
      else if (outcome.ok === true) this.setData({ notice: '' });
    },

    async onPickCampaign(event: PickerEvent) {
      const choice = campaignChoices(payoutsStore.campaigns)[Number(event.detail.value)];
      if (!choice) return;
      this.setData({ notice: '' });
      await payoutsStore.setFilters({ campaignId: choice.value });
    },

    async onPickState(event: PickerEvent) {
      const choice = stateChoices()[Number(event.detail.value)];
      if (!choice) return;
      this.setData({ notice: '' });
      await payoutsStore.setFilters({ state: choice.value as PayoutStateKind | '' });
    },

    async onToggleFlagged() {
      this.setData({ notice: '' });
      await payoutsStore.setFilters({ flagged: !payoutsStore.filters.flagged });
    },

    onCodeInput(event: { detail: string }) {
      this.setData({ codeInput: event.detail });
    },

    async onSearchCode() {
      const typed = checkCodeInput(this.data.codeInput);
      if ('message' in typed) {
        this.setData({ notice: typed.message });
        return;
      }
      this.setData({ notice: '', codeInput: typed.code });
      await payoutsStore.setFilters({ code: typed.code });
    },

    async onClearFilters() {
      this.setData({ notice: '', codeInput: '' });
      await payoutsStore.setFilters({ campaignId: '', state: '', flagged: false, code: '' });
    },

    onToggleRow(event: TapEvent) {
      const outNo = event.currentTarget.dataset.outNo;
      if (outNo) payoutsStore.toggle(outNo);
    },
  },
});
