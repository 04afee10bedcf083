/**
 * Rounds 3 and 4 of claimReward (claim.ts): the quotas of the user's (and the IP's) limits,
 * taken by one conditional update each, then the campaign's budget held by one conditional
 * update. All or nothing: a claim refused anywhere gives back what it took.
 */
import { randomUUID } from 'node:crypto';
import {
  codeHoldsBudget,
  findCampaign,
  reserveBudget,
  returnHold,
  type BudgetHold,
  type CampaignRecord,
} from '../data/campaigns.js';
import {
  ipQuotaId,
  readQuotas,
  returnQuota,
  takeQuota,
  userQuotaId,
  type QuotaKeys,
  type QuotaTake,
} from '../data/claim-quotas.js';
import { drawAmount } from '../domain/amount-draw.js';
import type { Campaign } from '../domain/campaign.js';
import { AppError } from '../errors.js';
import { refusal, type Claimant } from './claim-code.js';

/** How often a claim redraws after losing the budget to other claims (variable amounts only). */
const RESERVE_ATTEMPTS = 3;

/** What secure took for one campaign: its budget hold and the quotas of its limits. */
export interface Secured {
  hold: BudgetHold;
  quotas: QuotaTake[];
}

/**
 * A claim refused by secure, and whether another claim of the same code may hold what it was
 * refused — a second tap of the same user: `holding` when the quota or the budget names the code
 * (that claim's payout is on its way), `maybe` when nothing says (an IP quota names no code),
 * `no` when what refused it is held by other codes only.
 */
export interface Refused {
  refusal: AppError;
  sameCode: 'holding' | 'maybe' | 'no';
}

/**
 * The campaign changed (an edit: amount, limits, targeting, payout, blacklist…) since the claim
 * read it: nothing was taken, and the claim decides again on the campaign as it is now.
 */
export interface Stale {
  stale: CampaignRecord;
}

/**
 * Takes the quotas of one campaign (in one round), then holds its budget, on the revision of
 * `record` only. All or nothing: when one is refused, whatever the others took is given back,
 * and the refusal says why in the rules' order (IP, then the user's day, then the user's
 * campaign, then the campaign itself). The quotas go first so that a user past a limit costs the
 * campaign's document no write.
 */
export async function secure(
  record: CampaignRecord,
  campaign: Campaign,
  claimant: Claimant,
  keys: QuotaKeys,
  code: string,
): Promise<Secured | Refused | Stale> {
  const takes = quotaTakes(campaign, claimant, code);
  const taken = await Promise.all(takes.map((take) => takeQuota(take, keys)));
  const refusedTakes = takes.filter((_, i) => !taken[i]);
  if (refusedTakes.length > 0) {
    await giveBack(campaign.id, { quotas: takes.filter((_, i) => taken[i]) }, keys);
    const ipRefused = refusedTakes.find((take) => take.kind === 'ip');
    if (ipRefused) return { refusal: refusal('IP_RATE_LIMITED'), sameCode: 'maybe' };
    const userRefused = refusedTakes.find((take) => take.kind === 'user')!;
    const now = (await readQuotas([userRefused.id])).get(userRefused.id);
    const today = now?.days?.[keys.day] ?? 0;
    return {
      refusal: refusal(
        today >= campaign.limits.perUserPerDay ? 'USER_DAILY_LIMIT' : 'USER_CAMPAIGN_LIMIT',
      ),
      sameCode: now?.holders?.some((holder) => holder.code === code) ? 'holding' : 'no',
    };
  }
  const hold = await reserve(record, campaign, code);
  if (!(hold instanceof AppError) && !('stale' in hold)) return { hold, quotas: takes };
  await giveBack(campaign.id, { quotas: takes }, keys);
  if ('stale' in hold) return hold;
  // Out of budget: perhaps because this code's other claim holds the last of it.
  const sameCode =
    hold.code === 'BUDGET_EXHAUSTED' && (await codeHoldsBudget(campaign.id, code))
      ? 'holding'
      : 'no';
  return { refusal: hold, sameCode };
}

/** Gives back a hold and quotas whose claim makes no payout; each return matches only once. */
export async function giveBack(
  campaignId: string,
  taken: { hold?: BudgetHold; quotas: QuotaTake[] },
  keys: QuotaKeys,
): Promise<void> {
  await Promise.all([
    taken.hold ? returnHold(campaignId, taken.hold) : Promise.resolve(false),
    ...taken.quotas.map((take) => returnQuota(take, keys)),
  ]);
}

/** The quotas a claim in this campaign must take. */
function quotaTakes(campaign: Campaign, claimant: Claimant, code: string): QuotaTake[] {
  const takes: QuotaTake[] = [
    {
      kind: 'user',
      id: userQuotaId(campaign.id, claimant.openid),
      campaignId: campaign.id,
      holder: { id: randomUUID(), code },
      perDay: campaign.limits.perUserPerDay,
      perCampaign: campaign.limits.perUserPerCampaign,
    },
  ];
  const perHour = campaign.risk.maxClaimsPerIpPerHour;
  // No IP from the platform: the rule cannot apply (domain/campaign-eligibility.ts,
  // checkEligibility).
  if (perHour !== null && claimant.clientIp) {
    takes.push({
      kind: 'ip',
      id: ipQuotaId(campaign.id, claimant.clientIp),
      campaignId: campaign.id,
      perHour,
    });
  }
  return takes;
}

/**
 * Draws an amount that fits what remains and holds it. Losing the hold to other claims means
 * less remains now: a variable amount is drawn again under the new remainder; a fixed one
 * cannot shrink, so the campaign is out of budget for it. A hold refused because the campaign
 * was paused, ended or left its window meanwhile is refused as such; one refused because the
 * campaign was edited since `record` was read answers the campaign as it is now.
 */
async function reserve(
  record: CampaignRecord,
  campaign: Campaign,
  code: string,
): Promise<BudgetHold | AppError | Stale> {
  let remaining = record.remainingFen;
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const amount = drawAmount(campaign.amount, undefined, { capFen: remaining });
    if (amount === null) break;
    const hold: BudgetHold = { id: randomUUID(), fen: amount, at: Date.now(), code };
    if (await reserveBudget(campaign.id, hold, record.revision)) return hold;
    const fresh = await findCampaign(campaign.id);
    if (!fresh || fresh.status !== 'running') return refusal('NOT_RUNNING');
    if (hold.at < fresh.startAt || hold.at >= fresh.endAt) return refusal('OUTSIDE_WINDOW');
    if (fresh.revision !== record.revision) return { stale: fresh };
    if (campaign.amount.kind === 'fixed') break;
    remaining = fresh.remainingFen;
  }
  return refusal('BUDGET_EXHAUSTED');
}
