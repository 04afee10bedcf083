import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import type { EnvelopeError } from '../../../../typings/envelope';
import { adminSessionStore } from '../../stores/session';
import { campaignsStore } from '../../stores/campaigns';
import { campaignRows, describeCampaignError, STATUS_TABS } from './present';

function errorText(error: EnvelopeError | null): string {
  return error ? describeCampaignError(error) : '';
}

type TapEvent = WechatMiniprogram.CustomEvent<
  Record<string, never>,
  Record<string, never>,
  { index?: number; campaignId?: string }
>;

/** 红包活动: campaigns by status with their budget bars; 新建活动 for those who may write. */
ComponentWithStore({
  data: {
    tabs: STATUS_TABS,
  },

  storeBindings: {
    store: campaignsStore,
    fields: {
      sessionStatus: () => adminSessionStore.status,
      sessionError: () => errorText(adminSessionStore.error),
      sessionErrorCode: () => adminSessionStore.error?.code ?? '',
      mayRead: () => adminSessionStore.can('listCampaigns'),
      mayCreate: () => adminSessionStore.can('createCampaign'),
      tab: () => campaignsStore.tab,
      status: () => campaignsStore.status,
      listError: () => errorText(campaignsStore.error),
      listErrorCode: () => campaignsStore.error?.code ?? '',
      campaigns: () => campaignRows(campaignsStore.campaigns),
    },
    actions: {},
  } as const,

  methods: {
    async onLoad() {
      await adminSessionStore.ensureMe();
      if (adminSessionStore.can('listCampaigns')) await campaignsStore.load();
    },

    // Back from the form or the detail page: statuses and books may have changed.
    onShow() {
      if (campaignsStore.status === 'ready') void campaignsStore.load();
    },

    async onRetrySession() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listCampaigns')) await campaignsStore.load();
    },

    onRetryList() {
      void campaignsStore.load();
    },

    async onPullDownRefresh() {
      await adminSessionStore.loadMe();
      if (adminSessionStore.can('listCampaigns')) await campaignsStore.load();
      wx.stopPullDownRefresh();
    },

    async onTab(event: TapEvent) {
      const tab = STATUS_TABS[Number(event.currentTarget.dataset.index)];
      if (tab && tab.value !== campaignsStore.tab) await campaignsStore.setTab(tab.value);
    },

    onOpen(event: TapEvent) {
      const id = event.currentTarget.dataset.campaignId;
      if (id) {
        void wx.navigateTo({
          url: `/admin/pages/campaigns/detail/index?campaignId=${encodeURIComponent(id)}`,
        });
      }
    },

    onCreate() {
      void wx.navigateTo({ url: '/admin/pages/campaigns/edit/index' });
    },
  },
});
