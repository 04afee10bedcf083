/**
 * What a scan counts under, fixed when it is recorded (resolve.ts: from the range this instance
 * knows before the scan's insert, checked against the fresh read in round 2): the figures' keys
 * (domain/rollups.ts) and the claim facts the code's state carries for a later claim
 * (rewards/claim-code.ts), so neither has to be read again.
 */
import type { ActivatedRange } from '../data/code-ranges.js';
import type { ClaimFacts } from '../data/codes.js';
import type { ProductRecord } from '../data/products.js';
import type { ScanRecord } from '../data/scans.js';
import { campaignRangeId, type Campaign } from '../domain/campaign.js';
import { rankCampaigns } from '../domain/campaign-eligibility.js';
import {
  dayLabel,
  hourLabel,
  markIncrements,
  markTags,
  NONE_KEY,
  rangeKey,
  shardOf,
  type ScanKeys,
} from '../domain/rollups.js';
import type { Place } from '../domain/regions.js';
import { effectiveThresholds } from '../domain/verdict.js';
import type { RangeBinding } from './known-ranges.js';

/**
 * The keys a scan counts under (domain/rollups.ts), fixed when it is recorded: the range's
 * product, the best running campaign targeting the code (the offer its landing page shows) and
 * the province. They are noted on the scan, which is what a rebuild recounts from.
 */
export function countingOf(scan: {
  scanId: string;
  code: string;
  via: ScanRecord['via'];
  at: number;
  range: RangeBinding;
  where: Place | undefined;
  campaigns: readonly Campaign[];
}) {
  const { range } = scan;
  const [campaign] = rankCampaigns(
    scan.campaigns.filter((c) => scan.via === 'ticket' || c.allowTypedCodes),
    {
      code: scan.code,
      via: scan.via,
      ...(range.productId ? { productId: range.productId } : {}),
      rangeId: campaignRangeId({ applicationId: range.applicationId, codeStart: range.codeStart }),
      verdict: 'GENUINE_REPEAT',
      isFirstScan: false,
      alreadyRewarded: false,
    },
    scan.at,
  );
  const keys: ScanKeys = {
    product: range.productId ?? NONE_KEY,
    range: rangeKey(range.applicationId, range.codeStart),
    campaign: campaign?.id ?? NONE_KEY,
    province: scan.where?.province ?? NONE_KEY,
  };
  const day = dayLabel(scan.at);
  const hour = hourLabel(scan.at);
  const marking = {
    day,
    tags: markTags(hour, keys),
    ...(range.productId ? { productId: range.productId } : {}),
    code: scan.code,
  };
  return {
    keys,
    day,
    hour,
    shard: shardOf(scan.scanId),
    marking,
    markIncrements: markIncrements(marking),
    noted: {
      ...(range.productId ? { productId: range.productId } : {}),
      ...(campaign ? { campaignId: campaign.id } : {}),
    },
  };
}

export function claimFactsOf(
  range: ActivatedRange,
  product: ProductRecord | undefined,
): ClaimFacts {
  return {
    applicationId: range.applicationId,
    rangeStart: range.codeStart,
    ...(range.productId ? { productId: range.productId } : {}),
    thresholds: effectiveThresholds(product?.suspicion),
  };
}
