import { ComponentWithStore } from 'mobx-miniprogram-bindings';
import { joinStore } from '../../stores/join';
import { adminSessionStore } from '../../stores/session';
import { joinView, offeredRole } from './present';

const HOME = '/admin/pages/home/index';

/**
 * WeChat hands a page's query values as they were in the path, percent-encoded (the server
 * encodes the code with encodeURIComponent); a value that is not valid encoding is taken as is.
 */
function decodeQueryValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** `admin/pages/join/index?invite=<code>`: the page an invite's link or QR code opens. */
ComponentWithStore({
  storeBindings: {
    store: joinStore,
    fields: {
      view: () =>
        joinView({
          inviteCode: joinStore.inviteCode,
          role: joinStore.offeredRole,
          status: joinStore.status,
          member: joinStore.member,
          error: joinStore.error,
        }),
    },
    actions: {},
  } as const,

  methods: {
    onLoad(query: Record<string, string | undefined>) {
      joinStore.open(decodeQueryValue(query.invite ?? '').trim(), offeredRole(query.role));
    },

    async onJoin() {
      const joined = await joinStore.accept();
      if (!joined) return;
      // The new role changes what the console shows: ask the server again, then go there.
      await adminSessionStore.loadMe();
      wx.showToast({ title: '已加入', icon: 'success' });
      void wx.reLaunch({ url: HOME });
    },

    onEnter() {
      void adminSessionStore.loadMe();
      void wx.reLaunch({ url: HOME });
    },
  },
});
