import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { adminSessionStore } from '../../../stores/admin-session';
import { maskMiddle } from '../../../utils/mask';
import { formatDateTime } from '../../../utils/time';
import { ADMIN_MENU } from './menu';

ComponentWithStore({
  data: {
    menu: ADMIN_MENU,
  },

  storeBindings: {
    store: adminSessionStore,
    fields: {
      status: () => adminSessionStore.status,
      isAdmin: () => adminSessionStore.isAdmin,
      errorMessage: () => adminSessionStore.error?.message ?? '',
      errorCode: () => adminSessionStore.error?.code ?? '',
      maskedOpenid: () => maskMiddle(adminSessionStore.me?.openid ?? ''),
      visits: () => adminSessionStore.me?.visits ?? 0,
      firstSeenAt: () => formatDateTime(adminSessionStore.me?.firstSeenAt),
      lastSeenAt: () => formatDateTime(adminSessionStore.me?.lastSeenAt),
    },
    actions: {
      loadMe: 'loadMe',
    },
  } as const,

  methods: {
    onLoad() {
      void adminSessionStore.loadMe();
    },

    onRetry() {
      void adminSessionStore.loadMe();
    },

    onCopyOpenid() {
      // The brand grants the role by openid (ADMIN_OPENIDS or a role record), so hand it over whole.
      const openid = adminSessionStore.me?.openid;
      if (!openid) return;
      wx.setClipboardData({ data: openid });
    },
  },
});
