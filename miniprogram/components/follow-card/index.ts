/** `<official-account>`'s error detail: status 1–6 explain why it did not render. */
interface OfficialAccountError {
  detail: { status: number; errMsg?: string };
}

const DEFAULT_HINT = '关注品牌公众号，获取正品保障与新品活动';

/**
 * Follow the brand's Official Account. WeChat's own `<official-account>` card where the entry scene
 * allows it; otherwise, or when it reports an error (feature off, scene unsupported, network…), a
 * card with the account's name so the consumer can search for it.
 */
Component({
  properties: {
    /** FollowCardSettings from the landing view. */
    settings: { type: Object, value: null },
    /** Whether this entry scene lets `<official-account>` render (the page decides from the scene). */
    officialAccount: { type: Boolean, value: false },
  },

  data: {
    failed: false,
    defaultHint: DEFAULT_HINT,
  },

  methods: {
    onOfficialAccountError(event: OfficialAccountError) {
      // The status says which console setting is missing; it is a developer's concern, not a
      // consumer's, so it goes to the log and the fallback card takes the place.
      console.warn(`[follow-card] official-account 无法显示，status ${event.detail.status}`);
      this.setData({ failed: true });
    },

    onCopyName() {
      const name = (this.data.settings as { officialAccountName?: string } | null)
        ?.officialAccountName;
      if (!name) return;
      wx.setClipboardData({ data: name });
    },
  },
});
