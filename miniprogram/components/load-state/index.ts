/**
 * The "not ready yet" part of a screen that loads from the server: a spinner while loading, or the
 * envelope's Chinese message, its code (for support) and a retry button after a failure.
 */
Component({
  properties: {
    status: { type: String, value: 'loading' },
    loadingText: { type: String, value: '加载中…' },
    errorMessage: { type: String, value: '' },
    errorCode: { type: String, value: '' },
  },

  methods: {
    onRetry() {
      this.triggerEvent('retry');
    },
  },
});
