/**
 * CloudBase environment the Mini Program talks to. Replace with your environment id
 * (云开发控制台 → 环境 → 环境 ID). The local web preview ignores it: there `wx.cloud` is shimmed
 * onto the local stack.
 */
export const CLOUD_ENV_ID = 'mashang-dev';
