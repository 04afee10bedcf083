/**
 * Round 5 of claimReward (claim.ts): the payout that locks the code. Its `_id` is the
 * deterministic out-number and the unique `code` index refuses a second one, so inserting it is
 * the lock; it is written as `sending` at once: nothing happens between the lock and the provider
 * call that a `reserved` payout would stand for.
 */
import type { BudgetHold } from '../data/campaigns.js';
import type { FrozenRequest, PayoutRecord } from '../data/payouts.js';
import type { ScanRecord } from '../data/scans.js';
import type { Campaign, ProviderSettings } from '../domain/campaign.js';
import { applyTransition } from '../domain/payout.js';
import { outNumber } from '../domain/payout-bill-numbers.js';
import type { Claimant } from './claim-code.js';
import { dueAfter } from './ledger.js';

/**
 * The `sending` payout of this claim, ready to insert (due for a look in a minute). It is dated
 * `claimedAt`, the claim's instant, which its quotas counted it in (data/claim-quotas.ts
 * quotaKeys): a claim across midnight (China time) or the hour is the day's or hour's the limits
 * say, in the user's record and the figures alike, never one day's quota and the next's payout.
 */
export function sendingPayout({
  scan,
  campaign,
  claimant,
  appid,
  mchId,
  hold,
  claimedAt,
}: {
  scan: ScanRecord;
  campaign: Campaign;
  claimant: Claimant;
  appid: string;
  mchId: string;
  hold: BudgetHold;
  claimedAt: number;
}): PayoutRecord {
  const reservedAt = Date.now();
  const outNo = outNumber(campaign.payout.provider, {
    campaignId: campaign.id,
    code: scan.code,
    mchId,
    reservedAt,
  });
  const reserved: PayoutRecord = {
    _id: outNo,
    outNo,
    code: scan.code,
    campaignId: campaign.id,
    campaignName: campaign.name,
    scanId: scan._id,
    openid: claimant.openid,
    appid,
    mchId,
    amountFen: hold.fen,
    holdId: hold.id,
    ...(claimant.clientIp ? { clientIp: claimant.clientIp } : {}),
    request: frozenRequest(campaign.payout),
    provider: campaign.payout.provider,
    state: 'reserved',
    createdAt: claimedAt,
    stateSince: reservedAt,
    checks: 0,
    ledger: [],
  };
  const sent = applyTransition(reserved, { type: 'send' }, reservedAt);
  if (!sent.ok) throw new Error(sent.error.message);
  const payout = sent.payout;
  // Due for a look a minute from now: if this function dies before the provider's answer is
  // recorded, the scheduler asks the provider (nothing there: `rejected`, sent again).
  payout.dueAt = dueAfter(payout, reservedAt) ?? undefined;
  return payout;
}

function frozenRequest(settings: ProviderSettings): FrozenRequest {
  return settings.provider === 'v2-redpacket'
    ? {
        provider: 'v2-redpacket',
        sendName: settings.sendName,
        wishing: settings.wishing,
        actName: settings.actName,
        remark: settings.remark,
        ...(settings.sceneId ? { sceneId: settings.sceneId } : {}),
      }
    : {
        provider: 'v3-transfer',
        transferRemark: settings.transferRemark,
        reportActivityName: settings.reportActivityName,
        reportRewardDescription: settings.reportRewardDescription,
        userRecvPerception: settings.userRecvPerception,
      };
}
