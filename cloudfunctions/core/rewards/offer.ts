/**
 * The reward offer on the landing page: the best running campaign that targets the scanned code
 * (domain/campaign-eligibility.ts rankCampaigns: status, window, targeting). Whether the claim qualifies —
 * limits, budget, risk rules, first scan — is decided when it is claimed, against fresh data.
 *
 * A scan keeps its fixed number of database round trips: the running campaigns are the ones this
 * instance keeps for a minute (rewards/running-campaigns.ts), so a campaign started, paused or
 * ended shows on landing pages within that minute; the claim holds budget only on what is
 * current, so a stale offer never pays.
 */
import type { RewardOffer } from '../../../typings/reward.js';
import type { VerdictKind } from '../../../typings/scan.js';
import { toCampaign } from '../data/campaigns.js';
import { campaignRangeId, type Campaign } from '../domain/campaign.js';
import { offerPreview, rankCampaigns } from '../domain/campaign-eligibility.js';
import { keptRunningCampaigns, peekRunningCampaigns } from './running-campaigns.js';

/** Running campaigns as this instance last read them (see the module comment). Never rejects. */
export async function runningCampaigns(): Promise<Campaign[]> {
  return (await keptRunningCampaigns()).items.map(toCampaign);
}

/** The running campaigns this instance holds, if it holds them now (a warm instance): no read. */
export function runningCampaignsAtHand(): Campaign[] | undefined {
  return peekRunningCampaigns()?.map(toCampaign);
}

/** What the landing view knows about the scanned code. */
export interface OfferedCode {
  code: string;
  via: 'ticket' | 'code';
  applicationId: string;
  codeStart: number;
  productId?: string;
  verdict: VerdictKind;
}

/** The offer of the best ranked campaign for this code now; undefined when none targets it. */
export function rewardOffer(
  campaigns: readonly Campaign[],
  code: OfferedCode,
  now: number,
): RewardOffer | undefined {
  const [best] = rankCampaigns(
    // A typed code is offered only what it could claim.
    campaigns.filter((campaign) => code.via === 'ticket' || campaign.allowTypedCodes),
    {
      code: code.code,
      via: code.via,
      ...(code.productId ? { productId: code.productId } : {}),
      rangeId: campaignRangeId(code),
      verdict: code.verdict,
      // Neither is known here, and ranking does not use them: the claim checks both.
      isFirstScan: code.verdict === 'GENUINE_FIRST',
      alreadyRewarded: false,
    },
    now,
  );
  return best ? offerPreview(best) : undefined;
}
