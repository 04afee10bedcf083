/**
 * Who claims what (rounds 1 and 2 of claimReward, claim.ts): the caller's own scan, and what
 * the claim needs of the scanned code's activated range and product, as the rules
 * (domain/campaign-eligibility.ts) read it.
 */
import { findActivation } from '../data/code-ranges.js';
import type { ClaimFacts, CodeRecord } from '../data/codes.js';
import { findProduct } from '../data/products.js';
import type { ScanRecord } from '../data/scans.js';
import { campaignRangeId } from '../domain/campaign.js';
import { REFUSAL_MESSAGES, type ClaimedCode } from '../domain/campaign-eligibility.js';
import { effectiveThresholds } from '../domain/verdict.js';
import { AppError } from '../errors.js';

export interface Claimant {
  openid: string;
  appid?: string;
  clientIp?: string;
}

export const refusal = (code: keyof typeof REFUSAL_MESSAGES): AppError =>
  new AppError(code, REFUSAL_MESSAGES[code]);

export const scanNotFound = (): AppError =>
  new AppError('SCAN_NOT_FOUND', '未找到这次扫码记录，请重新扫码');

/** The scan, if it exists and is the caller's (another user's scan looks like no scan at all). */
export function ownedScan(scan: ScanRecord | undefined, openid: string): ScanRecord {
  if (!scan || scan.openid !== openid) throw scanNotFound();
  return scan;
}

/**
 * What the claim needs of the code's activated range and product: as the code's last scan wrote
 * them (no read), or — for a code last scanned before they were kept — read here (range, then
 * product). Undefined when the range is not activated here.
 */
export async function claimFacts(
  scan: ScanRecord,
  state: CodeRecord,
): Promise<ClaimFacts | undefined> {
  const carried = state.claimFacts;
  if (carried?.applicationId === scan.applicationId && carried.rangeStart === scan.rangeStart) {
    return carried;
  }
  const range = await findActivation(scan.applicationId, scan.rangeStart);
  if (!range) return undefined;
  const product = range.productId ? await findProduct(range.productId) : undefined;
  return {
    applicationId: range.applicationId,
    rangeStart: range.codeStart,
    ...(range.productId ? { productId: range.productId } : {}),
    thresholds: effectiveThresholds(product?.suspicion),
  };
}

export function claimedCode(
  scan: ScanRecord,
  facts: ClaimFacts,
  verdict: ClaimedCode['verdict'],
  isFirstScan: boolean,
): ClaimedCode {
  return {
    code: scan.code,
    via: scan.via,
    ...(facts.productId ? { productId: facts.productId } : {}),
    rangeId: campaignRangeId({ applicationId: facts.applicationId, codeStart: facts.rangeStart }),
    verdict,
    isFirstScan,
    alreadyRewarded: false,
  };
}
