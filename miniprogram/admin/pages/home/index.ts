import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { formatDateTime } from '../../../utils/time';
import { dashboardStore } from '../../stores/dashboard';
import { adminSessionStore } from '../../stores/session';
import { maskOpenid } from '../../utils/text';
import { ROLE_TAG_TYPES, roleLabel } from '../../utils/roles';
import { menuFor } from './menu';
import { describeDashboardError, figureCards, figuresCaption } from './present';

/** `me` first (who may see what), then the figures when the role reads them. */
async function loadHome(): Promise<void> {
  await adminSessionStore.loadMe();
  if (adminSessionStore.can('dashboard')) await dashboardStore.load();
  else dashboardStore.clear();
}

ComponentWithStore({
  storeBindings: {
    store: adminSessionStore,
    fields: {
      status: () => adminSessionStore.status,
      isMember: () => adminSessionStore.role !== null,
      roleLabel: () => roleLabel(adminSessionStore.role),
      roleTagType: () => {
        const role = adminSessionStore.role;
        return role ? ROLE_TAG_TYPES[role] : 'danger';
      },
      bootstrap: () => adminSessionStore.me?.bootstrap === true,
      menu: () => menuFor(adminSessionStore.me),
      errorMessage: () => adminSessionStore.error?.message ?? '',
      errorCode: () => adminSessionStore.error?.code ?? '',
      maskedOpenid: () => maskOpenid(adminSessionStore.me?.openid ?? ''),
      visits: () => adminSessionStore.me?.visits ?? 0,
      firstSeenAt: () => formatDateTime(adminSessionStore.me?.firstSeenAt),
      lastSeenAt: () => formatDateTime(adminSessionStore.me?.lastSeenAt),
      mayReadFigures: () => adminSessionStore.can('dashboard'),
      figuresStatus: () => dashboardStore.status,
      figureCards: () => (dashboardStore.figures ? figureCards(dashboardStore.figures) : []),
      figuresCaption: () => (dashboardStore.figures ? figuresCaption(dashboardStore.figures) : ''),
      figuresError: () =>
        dashboardStore.error ? describeDashboardError(dashboardStore.error) : '',
      figuresErrorCode: () => dashboardStore.error?.code ?? '',
    },
    actions: {
      loadMe: 'loadMe',
    },
  } as const,

  methods: {
    onLoad() {
      void loadHome();
    },

    onRetry() {
      void loadHome();
    },

    onRetryFigures() {
      void dashboardStore.load();
    },

    async onPullDownRefresh() {
      // A role granted or revoked meanwhile changes what the home offers; the figures move.
      await loadHome();
      wx.stopPullDownRefresh();
    },

    onOpenArea(event: WechatMiniprogram.TouchEvent<Record<string, never>, { url?: string }>) {
      const url = event.currentTarget.dataset.url;
      if (url) void wx.navigateTo({ url });
    },

    onCopyOpenid() {
      // The brand grants the role by openid (ADMIN_OPENIDS or a role record), so hand it over whole.
      const openid = adminSessionStore.me?.openid;
      if (!openid) return;
      wx.setClipboardData({ data: openid });
    },
  },
});
