import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import { codesStore } from '../../stores/codes';
import { adminSessionStore } from '../../stores/session';
import { confirmAction } from '../../utils/confirm';
import {
  CODE_COUNT_MAX,
  CODE_COUNT_MIN,
  CODE_COUNT_STEP,
  applicationRow,
  checkLookupInput,
  codeCountText,
  describeCodesError,
  lookupCard,
} from './present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeCodesError(error) : '';
}

/** The stepper's value on the count grid: typed values are rounded to 10,000 and kept in bounds. */
function onGrid(value: number): number {
  const stepped = Math.round(value / CODE_COUNT_STEP) * CODE_COUNT_STEP;
  return Math.min(CODE_COUNT_MAX, Math.max(CODE_COUNT_MIN, stepped));
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { applicationId?: string }
>;

/** 码包: applications newest first, applying for codes, and looking up a code's activation. */
ComponentWithStore({
  data: {
    lookupInput: '',
    notice: '',
    noticeType: 'success' as 'success' | 'error',
    countMin: CODE_COUNT_MIN,
    countMax: CODE_COUNT_MAX,
    countStep: CODE_COUNT_STEP,
  },

  storeBindings: {
    store: codesStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listApplications'),
      mayApply: () => adminSessionStore.can('applyCodes'),
      mayLookup: () => adminSessionStore.can('queryActivation'),
      status: () => codesStore.list.status,
      listError: () => errorText(codesStore.list.error),
      listErrorCode: () => codesStore.list.error?.code ?? '',
      applications: () => codesStore.applications.map(applicationRow),
      hasMore: () => codesStore.list.hasMore,
      loadingMore: () => codesStore.list.loadingMore,
      applyCount: () => codesStore.applyCount,
      applyCountText: () => codeCountText(codesStore.applyCount),
      applying: () => codesStore.applying,
      pendingOrderId: () =>
        codesStore.pendingOrder && codesStore.pendingOrder.count === codesStore.applyCount
          ? codesStore.pendingOrder.isvApplicationId
          : '',
      lookupStatus: () => codesStore.lookupStatus,
      lookup: () => (codesStore.lookupResult ? lookupCard(codesStore.lookupResult) : null),
      lookupError: () => errorText(codesStore.lookupError),
    },
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      codesStore.clearLookup();
      this.setData({ notice: '', lookupInput: '' });
      await this.start();
    },

    async start() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listApplications')) await codesStore.loadApplications();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listApplications')) await codesStore.loadApplications();
    },

    onRetryList() {
      void codesStore.loadApplications();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listApplications')) await codesStore.loadApplications();
      wx.stopPullDownRefresh();
    },

    onReachBottom() {
      void this.onMore();
    },

    async onMore() {
      const outcome = await codesStore.loadMore();
      if (outcome && !outcome.ok && outcome.error)
        this.say(describeCodesError(outcome.error), 'error');
    },

    say(notice: string, noticeType: 'success' | 'error') {
      this.setData({ notice, noticeType });
    },

    onCountChange(event: { detail: number | string }) {
      const value = Number(event.detail);
      if (Number.isFinite(value)) codesStore.setApplyCount(onGrid(value));
    },

    async onApply() {
      if (codesStore.applying) return;
      this.setData({ notice: '' });
      const order = codesStore.orderFor(codesStore.applyCount);
      const retry = codesStore.pendingOrder?.isvApplicationId === order.isvApplicationId;
      const confirmed = await confirmAction({
        title: retry ? '重新提交申请' : '申请码包',
        content:
          `向微信申请 ${codeCountText(order.count)}，订单号 ${order.isvApplicationId}。` +
          (retry
            ? '沿用上次的订单号：若上次已成功，不会重复申请。'
            : '申请提交后不能撤销，生成需要一段时间。'),
        confirmText: retry ? '重新提交' : '确认申请',
      });
      if (!confirmed) return;
      wx.showLoading({ title: '正在申请…', mask: true });
      const outcome = await codesStore.apply(order);
      wx.hideLoading();
      if (outcome.ok === 'busy') return;
      if (outcome.ok) {
        const { application, created } = outcome.result;
        this.say(
          created
            ? `已提交申请：${codeCountText(application.codeCount)}，申请单 ${application.applicationId}`
            : `该订单此前已提交成功（申请单 ${application.applicationId}），没有重复申请`,
          'success',
        );
        return;
      }
      const words = describeCodesError(outcome.error);
      this.say(
        codesStore.pendingOrder
          ? `${words}。再次点击申请将沿用订单号 ${outcome.order.isvApplicationId}，不会重复申请`
          : words,
        'error',
      );
    },

    onOpenApplication(event: TapEvent) {
      const id = event.currentTarget.dataset.applicationId;
      if (id) void wx.navigateTo({ url: `/admin/pages/codes/application?applicationId=${id}` });
    },

    onLookupInput(event: { detail: string }) {
      this.setData({ lookupInput: event.detail });
    },

    async onLookup() {
      const typed = checkLookupInput(this.data.lookupInput);
      if ('message' in typed) {
        this.say(typed.message, 'error');
        return;
      }
      this.setData({ notice: '' });
      await codesStore.lookup(typed);
    },
  },
});
