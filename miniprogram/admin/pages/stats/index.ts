import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { StatsGranularity } from '../../../../typings/admin';
import type { EnvelopeError } from '../../../../typings/envelope';
import { adminSessionStore } from '../../stores/session';
import { statsStore } from '../../stores/stats';
import { describeMemberError } from '../../utils/errors';
import {
  MAX_HOUR_DAYS,
  RANGE_PRESETS,
  type RangePreset,
  alertRows,
  breakdownRows,
  chinaDate,
  describeStatsError,
  figureCards,
  hourHeat,
  loyaltyLines,
  rewardTrendChart,
  scanTrendChart,
} from './present';

const sectionError = (error: EnvelopeError | null): string => describeStatsError(error);

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { preset?: RangePreset; granularity?: StatsGranularity; campaignId?: string }
>;
type DateEvent = WechatMiniprogram.CustomEvent<{ value: string }>;

/**
 * 数据: scans, scanners and first scans over time, claims and money paid, the breakdown by
 * product, campaign and province, the hour-of-day heat and the diversion alerts, for today, the
 * last 7 or 30 days or picked dates, by hour or by day. Pull down to read again.
 */
ComponentWithStore({
  data: { presets: RANGE_PRESETS },

  storeBindings: {
    store: statsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () =>
        adminSessionStore.error ? describeMemberError(adminSessionStore.error) : '',
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('scanStats'),
      mayReadRewards: () => adminSessionStore.can('rewardStats'),
      mayExport: () => adminSessionStore.can('exportData'),
      preset: () => statsStore.preset,
      customFrom: () => statsStore.customFrom,
      customTo: () => statsStore.customTo,
      granularity: () => statsStore.granularity,
      hourAllowed: () => statsStore.range().days <= MAX_HOUR_DAYS,
      rangeProblem: () => statsStore.rangeProblem(),
      status: () => statsStore.status,
      errorText: () => describeStatsError(statsStore.error),
      errorCode: () => statsStore.error?.code ?? '',
      hasFigures: () => statsStore.scan !== null,
      empty: () => (statsStore.scan?.totals.scans ?? 0) === 0,
      caption: () => {
        const range = statsStore.shownRange;
        if (!range) return '';
        const first = chinaDate(range.from);
        const last = chinaDate(range.to - 1);
        const span = first === last ? first : `${first} 至 ${last}`;
        return `${span}（北京时间），${statsStore.shownGranularity === 'hour' ? '按小时' : '按天'}`;
      },
      cards: () => {
        const scan = statsStore.scan;
        const range = statsStore.shownRange;
        if (!scan || !range) return [];
        const single = range.days === 1 && statsStore.shownGranularity === 'day';
        return figureCards(scan, statsStore.reward.data, single);
      },
      scanChart: () => {
        const scan = statsStore.scan;
        const range = statsStore.shownRange;
        return scan && range ? scanTrendChart(scan, statsStore.shownGranularity, range.days) : {};
      },
      rewardStatus: () => statsStore.reward.status,
      rewardError: () => sectionError(statsStore.reward.error),
      rewardChart: () => {
        const reward = statsStore.reward.data;
        const range = statsStore.shownRange;
        return reward && range
          ? rewardTrendChart(reward, statsStore.shownGranularity, range.days)
          : {};
      },
      productsStatus: () => statsStore.products.status,
      productsError: () => sectionError(statsStore.products.error),
      productRows: () => {
        const loyalty = loyaltyLines(statsStore.loyalty.data ?? []);
        return breakdownRows(
          statsStore.products.data ?? [],
          statsStore.productNames,
          '未绑定商品',
        ).map((row) => ({ ...row, loyalty: loyalty[row.key] ?? '' }));
      },
      campaignsStatus: () => statsStore.campaigns.status,
      campaignsError: () => sectionError(statsStore.campaigns.error),
      campaignRows: () =>
        breakdownRows(statsStore.campaigns.data ?? [], statsStore.campaignNames, '无活动'),
      provincesStatus: () => statsStore.provinces.status,
      provincesError: () => sectionError(statsStore.provinces.error),
      provinceRows: () => breakdownRows(statsStore.provinces.data ?? [], {}, '未知地区', 34),
      hoursStatus: () => statsStore.hours.status,
      hoursError: () => sectionError(statsStore.hours.error),
      heat: () => (statsStore.hours.data ? hourHeat(statsStore.hours.data) : []),
      heatCaption: () => {
        const cells = statsStore.hours.data ? hourHeat(statsStore.hours.data) : [];
        const peak = cells.reduce((best, cell) => (cell.scans > best.scans ? cell : best), {
          hour: 0,
          scans: 0,
          level: 0,
        });
        return peak.scans > 0
          ? `扫码最多的时段：${peak.hour}:00–${peak.hour + 1}:00（${peak.scans} 次）`
          : '';
      },
      alertsStatus: () => statsStore.alerts.status,
      alertsError: () => sectionError(statsStore.alerts.error),
      alertRows: () => alertRows(statsStore.alerts.data ?? [], statsStore.productNames),
    },
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('scanStats')) await statsStore.load();
    },

    async onPullDownRefresh() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('scanStats')) await statsStore.load();
      wx.stopPullDownRefresh();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('scanStats')) await statsStore.load();
    },

    async onRetry() {
      await statsStore.load();
    },

    async onPreset(event: TapEvent) {
      const preset = event.currentTarget.dataset.preset;
      if (!preset || preset === statsStore.preset) return;
      statsStore.setPreset(preset);
      await statsStore.load();
    },

    async onGranularity(event: TapEvent) {
      const granularity = event.currentTarget.dataset.granularity;
      if (!granularity) return;
      if (granularity === 'hour' && statsStore.range().days > MAX_HOUR_DAYS) {
        wx.showToast({ title: `超过 ${MAX_HOUR_DAYS} 天只能按天查看`, icon: 'none' });
        return;
      }
      if (granularity === statsStore.granularity) return;
      statsStore.setGranularity(granularity);
      await statsStore.load();
    },

    async onPickFrom(event: DateEvent) {
      statsStore.setCustom(event.detail.value, statsStore.customTo);
      await statsStore.load();
    },

    async onPickTo(event: DateEvent) {
      statsStore.setCustom(statsStore.customFrom, event.detail.value);
      await statsStore.load();
    },

    onOpenCampaign(event: TapEvent) {
      const campaignId = event.currentTarget.dataset.campaignId;
      if (!campaignId || campaignId === '-' || !adminSessionStore.can('getCampaign')) return;
      wx.navigateTo({
        url: `/admin/pages/campaigns/detail/index?campaignId=${encodeURIComponent(campaignId)}`,
      });
    },

    onOpenExport() {
      wx.navigateTo({ url: '/admin/pages/stats/export/index' });
    },
  },
});
