/**
 * Per-user limits on the scan function, so that a script flooding `verify` or `resolve` can
 * neither hammer the database nor spend the Official Account's daily WeChat API quota (a quota
 * shared by every WeChat call the brand makes: once spent, genuine scans fail until midnight).
 *
 *   every resolve and verify        SCANS_PER_WINDOW per user per SCAN_WINDOW_MS
 *   a verify WeChat must answer     WECHAT_LOOKUPS_PER_DAY per user (codes imported here are
 *                                   answered from our own data and cost no WeChat call)
 *
 * A person scanning products in a shop makes a few scans a minute; the limits sit far above.
 */
import { takeRateLimit } from '../data/rate-limits.js';
import { AppError } from '../errors.js';

export const SCAN_WINDOW_MS = 10 * 60_000;
export const SCANS_PER_WINDOW = 30;
export const WECHAT_LOOKUP_WINDOW_MS = 24 * 60 * 60_000;
export const WECHAT_LOOKUPS_PER_DAY = 20;

/** One more resolve or verify by this user, or RATE_LIMITED. One database round trip. */
export async function takeScanAllowance(openid: string, now: number): Promise<void> {
  const allowed = await takeRateLimit(
    { bucket: 'scan', subject: openid, windowMs: SCAN_WINDOW_MS, limit: SCANS_PER_WINDOW },
    now,
  );
  if (!allowed) throw new AppError('RATE_LIMITED', '查询过于频繁，请稍后再试');
}

/** One more typed-code lookup that needs WeChat, or RATE_LIMITED. */
export async function takeWeChatLookup(openid: string, now: number): Promise<void> {
  const allowed = await takeRateLimit(
    {
      bucket: 'wechat-lookup',
      subject: openid,
      windowMs: WECHAT_LOOKUP_WINDOW_MS,
      limit: WECHAT_LOOKUPS_PER_DAY,
    },
    now,
  );
  if (!allowed) {
    throw new AppError(
      'RATE_LIMITED',
      '今日手动查询次数已达上限，请用微信“扫一扫”扫描商品上的码查询',
    );
  }
}
