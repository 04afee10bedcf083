/**
 * The run's local merchant: global-setup.ts makes one wechatpay-local.json per test run and names
 * it in this variable; startTestStack copies it into each fresh data folder, so stacks do not each
 * generate two RSA-2048 key pairs (the WeChat Pay simulator's and the merchant's).
 */
export const RUN_MERCHANT_ENV = 'MASHANG_TEST_MERCHANT_FILE';
