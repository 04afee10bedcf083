import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { CampaignView } from '../../../../../typings/admin';
import type { EnvelopeError } from '../../../../../typings/envelope';
import { confirmAction } from '../../../utils/confirm';
import { adminSessionStore } from '../../../stores/session';
import { campaignDetailStore } from '../../../stores/campaign-detail';
import { chinaDateTimeText, fenToYuan } from '../form';
import {
  budgetBar,
  CAMPAIGN_STATUS_LABELS,
  claimsChart,
  describeCampaignError,
  statsRows,
  statsTotal,
  statusActions,
} from '../present';
import { yuanText } from '../../../utils/figures';

function errorText(error: EnvelopeError | null): string {
  return error ? describeCampaignError(error) : '';
}

const AMOUNT_KIND_TEXT = { fixed: '固定金额', uniform: '随机金额', tiers: '按档位抽取' } as const;

/** The settings as lines of text: what the marketer set, at a glance. */
function settingLines(campaign: CampaignView): { key: string; label: string; value: string }[] {
  const amount = campaign.amount;
  const amountText =
    amount.kind === 'fixed'
      ? yuanText(amount.fen)
      : amount.kind === 'uniform'
        ? `${fenToYuan(amount.minFen)}–${fenToYuan(amount.maxFen)} 元`
        : amount.tiers.map((tier) => `${fenToYuan(tier.fen)} 元×${tier.weight}`).join('，');
  return [
    {
      key: 'window',
      label: '活动时间',
      value: `${chinaDateTimeText(campaign.startAt)} 至 ${chinaDateTimeText(campaign.endAt)}`,
    },
    { key: 'amount', label: AMOUNT_KIND_TEXT[amount.kind], value: amountText },
    {
      key: 'provider',
      label: '发放方式',
      value: campaign.payout.provider === 'v2-redpacket' ? '小程序红包' : '商家转账',
    },
    {
      key: 'limits',
      label: '每人限领',
      value: `每日 ${campaign.limits.perUserPerDay} 次，全程 ${campaign.limits.perUserPerCampaign} 次`,
    },
    {
      key: 'targeting',
      label: '参与范围',
      value: `${campaign.targeting.productIds.length} 个商品，${campaign.targeting.rangeIds.length} 个码段`,
    },
  ];
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { index?: number }
>;

/** 活动详情: the books, claims per day, settings, and start / pause / resume / end. */
ComponentWithStore({
  data: { notice: '', noticeKind: 'error' },

  storeBindings: {
    store: campaignDetailStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('getCampaign'),
      mayWrite: () => adminSessionStore.can('setCampaignStatus'),
      mayEdit: () =>
        adminSessionStore.can('updateCampaign') && campaignDetailStore.campaign?.status !== 'ended',
      mayReadPayouts: () => adminSessionStore.can('listPayouts'),
      status: () => campaignDetailStore.status,
      loadError: () => errorText(campaignDetailStore.error),
      loadErrorCode: () => campaignDetailStore.error?.code ?? '',
      name: () => campaignDetailStore.campaign?.name ?? '',
      statusText: () => {
        const campaign = campaignDetailStore.campaign;
        return campaign ? CAMPAIGN_STATUS_LABELS[campaign.status] : '';
      },
      ended: () => campaignDetailStore.campaign?.status === 'ended',
      books: () => {
        const campaign = campaignDetailStore.campaign;
        return campaign ? budgetBar(campaign.budget) : null;
      },
      settings: () => {
        const campaign = campaignDetailStore.campaign;
        return campaign ? settingLines(campaign) : [];
      },
      actions: () => {
        const campaign = campaignDetailStore.campaign;
        return campaign ? statusActions(campaign) : [];
      },
      changing: () => campaignDetailStore.changing,
      statsStatus: () => campaignDetailStore.statsStatus,
      statsError: () => errorText(campaignDetailStore.statsError),
      statsRows: () => (campaignDetailStore.stats ? statsRows(campaignDetailStore.stats) : []),
      statsTotal: () => (campaignDetailStore.stats ? statsTotal(campaignDetailStore.stats) : ''),
      statsChart: () => (campaignDetailStore.stats ? claimsChart(campaignDetailStore.stats) : {}),
      notStarted: () => campaignDetailStore.statsStatus === 'ready' && !campaignDetailStore.stats,
    },
    actions: {},
  } as const,

  methods: {
    async onLoad(query: Record<string, string | undefined>) {
      campaignDetailStore.reset(query.campaignId ?? '');
      this.setData({ notice: '' });
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('getCampaign')) await campaignDetailStore.load();
    },

    // Back from editing: show the saved settings.
    onShow() {
      if (campaignDetailStore.status !== 'ready') return;
      // The last change's notice belongs to the visit that made it.
      this.setData({ notice: '' });
      void campaignDetailStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('getCampaign')) await campaignDetailStore.load();
    },

    onRetry() {
      void campaignDetailStore.load();
    },

    onRetryStats() {
      void campaignDetailStore.loadStats();
    },

    async onPullDownRefresh() {
      this.setData({ notice: '' });
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('getCampaign')) await campaignDetailStore.load();
      wx.stopPullDownRefresh();
    },

    async onStatusAction(event: TapEvent) {
      const campaign = campaignDetailStore.campaign;
      if (!campaign) return;
      const action = statusActions(campaign)[Number(event.currentTarget.dataset.index)];
      if (!action) return;
      const confirmed = await confirmAction({
        title: action.confirmTitle,
        content: action.confirmText,
        confirmText: action.label,
        danger: action.danger,
      });
      if (!confirmed) return;
      const outcome = await campaignDetailStore.changeStatus(action.to);
      this.setData(
        outcome.ok
          ? { notice: action.doneText, noticeKind: 'success' }
          : { notice: describeCampaignError(outcome.error), noticeKind: 'error' },
      );
    },

    onEdit() {
      void wx.navigateTo({
        url: `/admin/pages/campaigns/edit/index?campaignId=${encodeURIComponent(campaignDetailStore.campaignId)}`,
      });
    },

    onPayouts() {
      void wx.navigateTo({
        url: `/admin/pages/payouts/index?campaignId=${encodeURIComponent(campaignDetailStore.campaignId)}`,
      });
    },
  },
});
