/**
 * A payout's out-number (v2 `mch_billno`, v3 `out_bill_no`): its idempotency key with WeChat
 * Pay. Derived from (campaignId, code), so the same claim always yields the same number and a
 * retry can only ever find the first bill. Pure rules, no I/O (hashing only).
 */
import { createHash } from 'node:crypto';
import type { PayoutProvider } from './payout.js';

/** v2 `mch_billno`: exactly 28 of 0-9a-zA-Z. */
export const V2_BILLNO_PATTERN = /^[0-9A-Za-z]{28}$/;
/** v3 `out_bill_no`: 1–32 of 0-9a-zA-Z. */
export const V3_OUT_BILL_NO_PATTERN = /^[0-9A-Za-z]{1,32}$/;

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** yyyymmdd in China time (UTC+8, no daylight saving), the merchant's calendar. */
export function chinaDate(at: number): string {
  return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * `length` upper-case base-36 characters from SHA-256 of (campaignId, code). Upper case only so
 * the key survives case-insensitive tools (spreadsheets, database collations) in finance's hands.
 * The JSON pair keeps ("a:b", "c") and ("a", "b:c") apart.
 */
export function payoutDigest(campaignId: string, code: string, length: number): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([campaignId, code]))
    .digest('hex');
  return (BigInt(`0x${hex}`) % 36n ** BigInt(length))
    .toString(36)
    .toUpperCase()
    .padStart(length, '0');
}

/**
 * v3 `out_bill_no` = "MS" + 30 base-36 characters (155 bits) of (campaignId, code): the same
 * claim always yields the same number, so a retry can only ever find the first bill.
 */
export function v3OutBillNo(campaignId: string, code: string): string {
  return `MS${payoutDigest(campaignId, code, 30)}`;
}

/**
 * v2 `mch_billno` = mch_id + yyyymmdd (the day the payout was reserved, China time) + the rest
 * of the 28 characters from (campaignId, code). WeChat suggests 10 *digits* there; we use base-36
 * (its charset allows it) because a hash-derived 10-digit number collides within a day at about
 * 100,000 payouts (birthday bound), while 36^10 makes that about one in a million. The date is
 * the reservation's, stored with the payout: a retry reuses the stored number, never recomputes.
 */
export function v2MchBillno(
  mchId: string,
  campaignId: string,
  code: string,
  reservedAt: number,
): string {
  if (!/^\d{1,10}$/.test(mchId)) {
    throw new RangeError('v2MchBillno: mch_id must be 1–10 digits to leave room for the key');
  }
  const date = chinaDate(reservedAt);
  return `${mchId}${date}${payoutDigest(campaignId, code, 28 - mchId.length - date.length)}`;
}

export function outNumber(
  provider: PayoutProvider,
  key: { campaignId: string; code: string; mchId: string; reservedAt: number },
): string {
  return provider === 'v2-redpacket'
    ? v2MchBillno(key.mchId, key.campaignId, key.code, key.reservedAt)
    : v3OutBillNo(key.campaignId, key.code);
}
