import { CLOUD_ENV_ID } from './config/cloud';

App({
  onLaunch() {
    // Base libraries older than 2.2.3 have no wx.cloud. Pages still render and every service call
    // answers CLOUD_UNAVAILABLE with a message for the user; this line tells the developer why.
    if (!wx.cloud) {
      console.error(
        '当前基础库不支持云开发（需 2.2.3 及以上），请升级微信或在开发者工具中调高基础库版本',
      );
      return;
    }
    wx.cloud.init({ env: CLOUD_ENV_ID, traceUser: true });
  },
});
