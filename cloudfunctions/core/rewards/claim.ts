/**
 * A consumer claims the cash reward of a scan, and asks where it stands.
 *
 * Only a 一物一码 ticket scan claims, unless the campaign allows typed codes (anyone holding the
 * codes — print shop, packer, an export file — could otherwise script claims).
 *
 * The money guarantees rest on database writes, not on anything read before them:
 *   - the budget is held by ONE conditional update on the campaign that matches only while
 *     enough remains (`remainingFen >= amount`) and the campaign is running inside its window,
 *     so it never goes negative and a pause stops claims in flight; the same update records the
 *     hold under a random id (data/campaigns.ts BudgetHold);
 *   - the per-user and per-IP limits are counters taken by one conditional update each, in the
 *     round before the hold (data/claim-quotas.ts): parallel claims cannot all pass them; a
 *     claim refused anywhere gives back what it took;
 *   - the code is locked by inserting the payout under the unique `code` index (its `_id` is the
 *     deterministic out-number, its `holdId` the hold's, unique too), so a code never gets a
 *     second payout: the loser of a race gives its hold back and answers with the payout that won;
 *   - a claim that dies between the two leaves a hold with no payout: the scheduler's sweep
 *     fences the hold's id in `payouts` and gives the budget back (rewards/holds.ts), so budget is
 *     never stranded, and a claim that was only frozen fails at its insert instead of paying from
 *     budget given back (CLAIM_INTERRUPTED: nothing paid, claiming again starts afresh). A hold
 *     whose payout exists is only a note: the payout's settlement or the sweep clears it.
 *
 * Database round trips of a first claim, in rounds (one candidate campaign):
 *   1  the scan ‖ running campaigns                                      2
 *   2  the code's payout ‖ its state (carrying its range and product)   2
 *   3  take the user's quota (‖ the IP's, when limited)                  1 (2)
 *   4  hold the budget                                                   1
 *   5  insert the payout as `sending` (the code lock)                    1
 *   6  the provider call, then its answer (sent / waiting_user / …)      1 (+1 release)
 *      ‖ count the claim in the figures (rewards/rollup.ts)              1
 * 9 in all. A refused claim records and counts its refusal (+2, side by side). Nothing is read to know the limits: the user's quota is inserted (+1 when the user
 * claimed in this campaign before: the insert finds it, a conditional update takes it), the IP's
 * updated (+1 for an IP new to the campaign). A code last scanned before its state carried the
 * range and product reads them (+2). Each campaign refused meanwhile costs what it took, given
 * back, before the next is tried (a refused quota one read more, to say which limit).
 * A claim that loses the code lock at round 5 gives its hold and quotas back and reads the winner
 * (3 more, 4 with an IP limit). A repeated claim stops after round 2 (plus one write when it must
 * resend, and a provider query with its write when the last look is more than 3 s old and the
 * payout is still open).
 */
import { randomUUID } from 'node:crypto';
import type {
  ClaimResult,
  PayoutView,
  RewardErrorCode,
  StatusResult,
} from '../../../typings/reward.js';
import {
  findCampaign,
  listRunningCampaigns,
  reserveBudget,
  returnHold,
  type BudgetHold,
  toCampaign,
  type CampaignRecord,
} from '../data/campaigns.js';
import { findActivation } from '../data/code-ranges.js';
import { findCodeState, type ClaimFacts, type CodeRecord } from '../data/codes.js';
import {
  ipQuotaId,
  quotaKeys,
  readQuotas,
  returnQuota,
  takeQuota,
  userQuotaId,
  type QuotaKeys,
  type QuotaTake,
} from '../data/claim-quotas.js';
import {
  findPayoutByCode,
  insertPayout,
  type FrozenRequest,
  type PayoutRecord,
} from '../data/payouts.js';
import { findProduct } from '../data/products.js';
import { findScan, type ScanRecord } from '../data/scans.js';
import { countClaim, countRefusal } from './rollup.js';
import { formatYuan } from '../domain/amount.js';
import { drawAmount } from '../domain/amount-draw.js';
import { campaignRangeId, type Campaign, type ProviderSettings } from '../domain/campaign.js';
import {
  REFUSAL_MESSAGES,
  rankCampaigns,
  selectCampaign,
  type ClaimedCode,
  type EligibilityContext,
} from '../domain/campaign-eligibility.js';
import { CLAIMANT_STATE_LABELS, applyTransition, isTerminal } from '../domain/payout.js';
import { outNumber } from '../domain/payout-bill-numbers.js';
import { decideVerdict, effectiveThresholds } from '../domain/verdict.js';
import { AppError } from '../errors.js';
import { miniProgramAppid } from '../config.js';
import { refresh, sendOut, sendReserved } from './dispatch.js';
import { dueAfter } from './ledger.js';
import { clientParams, requireMerchant } from './providers.js';

/** A scan older than this cannot be claimed: the user scans again (a screenshot is not a scan). */
export const CLAIM_WINDOW_MS = 30 * 60_000;

/** How often a claim redraws after losing the budget to other claims (variable amounts only). */
const RESERVE_ATTEMPTS = 3;

export interface Claimant {
  openid: string;
  appid?: string;
  clientIp?: string;
}

const refusal = (code: keyof typeof REFUSAL_MESSAGES): AppError =>
  new AppError(code, REFUSAL_MESSAGES[code]);

const scanNotFound = (): AppError =>
  new AppError('SCAN_NOT_FOUND', '未找到这次扫码记录，请重新扫码');

/** The scan, if it exists and is the caller's (another user's scan looks like no scan at all). */
function ownedScan(scan: ScanRecord | undefined, openid: string): ScanRecord {
  if (!scan || scan.openid !== openid) throw scanNotFound();
  return scan;
}

/** The reward function's refusals, each counted in the figures (rewards/rollup.ts). */
const REFUSAL_CODES = new Set<string>([
  'SCAN_NOT_FOUND',
  'SCAN_EXPIRED',
  'PAYOUT_NOT_CONFIGURED',
  'CLAIM_INTERRUPTED',
  ...Object.keys(REFUSAL_MESSAGES),
]);

export async function claimReward(scanId: string, claimant: Claimant): Promise<ClaimResult> {
  const now = Date.now();
  // The campaign a refusal is about, once the rules reached one.
  const about: { campaignId?: string } = {};
  try {
    return await claimOnce(scanId, claimant, now, about);
  } catch (error) {
    if (error instanceof AppError && REFUSAL_CODES.has(error.code)) {
      await countRefusal(error.code as RewardErrorCode, about.campaignId, Date.now());
    }
    throw error;
  }
}

async function claimOnce(
  scanId: string,
  claimant: Claimant,
  now: number,
  about: { campaignId?: string },
): Promise<ClaimResult> {
  // Round 1.
  const [found, running] = await Promise.all([findScan(scanId), listRunningCampaigns()]);
  const scan = ownedScan(found, claimant.openid);

  // Round 2: the code's payout, and its state, which carries what its last scan read of the
  // range and the product (data/codes.ts ClaimFacts).
  const [existing, state] = await Promise.all([
    findPayoutByCode(scan.code),
    findCodeState(scan.code),
  ]);
  if (existing) {
    about.campaignId = existing.campaignId;
    return resume(existing, claimant.openid);
  }
  if (now - scan.scannedAt > CLAIM_WINDOW_MS) {
    throw new AppError('SCAN_EXPIRED', '扫码已超过 30 分钟，请重新扫码领取');
  }
  const facts = state ? await claimFacts(scan, state) : undefined;
  if (!state || !facts) throw refusal('NOT_TARGETED');

  const records = new Map(running.map((record) => [record._id, record]));
  // "First scan only" pays the code's first ticket scan: a typed lookup before it (anyone may
  // hold the codes) does not take it. Codes recorded before that was kept fall back to the first.
  const firstScan = state.firstTicketScanId ?? state.firstScanId;
  const provisional = claimedCode(scan, facts, 'GENUINE_REPEAT', firstScan === scan._id);
  const ranked = rankCampaigns(running.map(toCampaign), provisional, now);
  if (ranked.length === 0) throw refusal('NOT_TARGETED');

  const keys = quotaKeys(now);
  const verdict = decideVerdict({
    activation: 'activated',
    state,
    scanId: scan._id,
    openid: scan.openid,
    now: scan.scannedAt,
    thresholds: facts.thresholds,
  });
  const code: ClaimedCode = { ...provisional, verdict: verdict.kind };
  let candidates = ranked.map((campaign): { campaign: Campaign; context: EligibilityContext } => ({
    campaign,
    context: {
      now,
      openid: claimant.openid,
      ...(claimant.clientIp ? { clientIp: claimant.clientIp } : {}),
      code,
      // The limits are not read beforehand: their conditional takes decide (secure), and a
      // refused one sends the claim on to the next candidate like any other refusal.
      counts: { userClaimsToday: 0, userClaimsInCampaign: 0, ipClaimsLastHour: 0 },
      budgetRemainingFen: records.get(campaign.id)!.remainingFen,
    },
  }));
  const appid = miniProgramAppid() ?? claimant.appid;
  if (!appid) throw new AppError('PAYOUT_NOT_CONFIGURED', '奖励发放暂未开通，请联系商家');

  // Rounds 3 and 4: take the user's (and the IP's) quota of the best eligible campaign, then
  // hold its budget; when any is refused, what was taken is given back and the next eligible
  // campaign is tried.
  let campaign: Campaign;
  let secured: Secured;
  let mchId: string;
  let firstRefusal: AppError | undefined;
  for (;;) {
    const selection = selectCampaign(candidates);
    if (!selection.ok) {
      about.campaignId ??= selection.campaign?.id;
      throw firstRefusal ?? new AppError(selection.refusal.code, selection.refusal.message);
    }
    campaign = selection.campaign;
    mchId = requireMerchant(campaign.payout.provider);
    const outcome = await secure(records.get(campaign.id)!, campaign, claimant, keys);
    if (!(outcome instanceof AppError)) {
      secured = outcome;
      break;
    }
    if (!firstRefusal) about.campaignId = campaign.id;
    firstRefusal ??= outcome;
    const refused = campaign.id;
    candidates = candidates.filter((candidate) => candidate.campaign.id !== refused);
  }
  const { hold } = secured;
  const amountFen = hold.fen;

  // Round 5: lock the code with the payout, written as `sending` at once: nothing happens
  // between the lock and the provider call that a `reserved` payout would stand for.
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
    amountFen,
    holdId: hold.id,
    ...(claimant.clientIp ? { clientIp: claimant.clientIp } : {}),
    request: frozenRequest(campaign.payout),
    provider: campaign.payout.provider,
    state: 'reserved',
    createdAt: reservedAt,
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
  if ((await insertPayout(payout)) === 'duplicate') {
    // Another claim locked this code first — or this claim stalled so long that the holds sweep
    // fenced its hold and gave the budget back (rewards/holds.ts). Either way nothing is paid
    // from this hold: give back what is still ours (each return matches only once) and answer
    // with the code's payout, if there is one.
    const [, winner] = await Promise.all([
      giveBack(campaign.id, secured, keys),
      findPayoutByCode(scan.code),
    ]);
    if (!winner) {
      throw new AppError('CLAIM_INTERRUPTED', '领取超时，请再试一次');
    }
    return resume(winner, claimant.openid);
  }

  // Round 6: the provider call and its answer. The payout now carries the reservation; its hold
  // is only a note, cleared when the payout settles or by the scheduler's sweep (rewards/holds.ts).
  // The claim counts in the figures beside the provider call (rewards/rollup.ts).
  const [outcome] = await Promise.all([sendOut(payout), countClaim(payout)]);
  return view(outcome);
}

/** What secure took for one campaign: its budget hold and the quotas of its limits. */
interface Secured {
  hold: BudgetHold;
  quotas: QuotaTake[];
}

/**
 * Takes the quotas of one campaign (in one round), then holds its budget. All or nothing: when
 * one is refused, whatever the others took is given back, and the refusal says why in the rules'
 * order (IP, then the user's day, then the user's campaign, then the campaign itself). The
 * quotas go first so that a user past a limit costs the campaign's document no write.
 */
async function secure(
  record: CampaignRecord,
  campaign: Campaign,
  claimant: Claimant,
  keys: QuotaKeys,
): Promise<Secured | AppError> {
  const takes = quotaTakes(campaign, claimant);
  const taken = await Promise.all(takes.map((take) => takeQuota(take, keys)));
  const refusedTakes = takes.filter((_, i) => !taken[i]);
  if (refusedTakes.length > 0) {
    await giveBack(campaign.id, { quotas: takes.filter((_, i) => taken[i]) }, keys);
    const ipRefused = refusedTakes.find((take) => take.kind === 'ip');
    if (ipRefused) return refusal('IP_RATE_LIMITED');
    const userRefused = refusedTakes.find((take) => take.kind === 'user')!;
    const now = (await readQuotas([userRefused.id])).get(userRefused.id);
    const today = now?.days?.[keys.day] ?? 0;
    return refusal(
      today >= campaign.limits.perUserPerDay ? 'USER_DAILY_LIMIT' : 'USER_CAMPAIGN_LIMIT',
    );
  }
  const hold = await reserve(record, campaign);
  if (!(hold instanceof AppError)) return { hold, quotas: takes };
  await giveBack(campaign.id, { quotas: takes }, keys);
  return hold;
}

/** Gives back a hold and quotas whose claim makes no payout; each return matches only once. */
async function giveBack(
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
function quotaTakes(campaign: Campaign, claimant: Claimant): QuotaTake[] {
  const takes: QuotaTake[] = [
    {
      kind: 'user',
      id: userQuotaId(campaign.id, claimant.openid),
      campaignId: campaign.id,
      perDay: campaign.limits.perUserPerDay,
      perCampaign: campaign.limits.perUserPerCampaign,
    },
  ];
  const perHour = campaign.risk.maxClaimsPerIpPerHour;
  // No IP from the platform: the rule cannot apply (domain/campaign-eligibility.ts checkEligibility).
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
 * What the claim needs of the code's activated range and product: as the code's last scan wrote
 * them (no read), or — for a code last scanned before they were kept — read here (range, then
 * product). Undefined when the range is not activated here.
 */
async function claimFacts(scan: ScanRecord, state: CodeRecord): Promise<ClaimFacts | undefined> {
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

/**
 * Draws an amount that fits what remains and holds it. Losing the hold to other claims means
 * less remains now: a variable amount is drawn again under the new remainder; a fixed one
 * cannot shrink, so the campaign is out of budget for it. A hold refused because the campaign
 * was paused, ended or left its window meanwhile is refused as such.
 */
async function reserve(record: CampaignRecord, campaign: Campaign): Promise<BudgetHold | AppError> {
  let remaining = record.remainingFen;
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const amount = drawAmount(campaign.amount, undefined, { capFen: remaining });
    if (amount === null) break;
    const hold: BudgetHold = { id: randomUUID(), fen: amount, at: Date.now() };
    if (await reserveBudget(campaign.id, hold)) return hold;
    const fresh = await findCampaign(campaign.id);
    if (!fresh || fresh.status !== 'running') return refusal('NOT_RUNNING');
    if (hold.at < fresh.startAt || hold.at >= fresh.endAt) return refusal('OUTSIDE_WINDOW');
    if (campaign.amount.kind === 'fixed') break;
    remaining = fresh.remainingFen;
  }
  return refusal('BUDGET_EXHAUSTED');
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

function claimedCode(
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

/**
 * A claim of a code that already has its payout: the claimant's own payout is picked up where it
 * stands (sent again if the last send was refused without creating anything; asked about if its
 * outcome is not known yet); anyone else's means the code's reward is gone.
 */
async function resume(payout: PayoutRecord, openid: string): Promise<ClaimResult> {
  if (payout.openid !== openid) throw refusal('CODE_ALREADY_REWARDED');
  if (payout.state === 'reserved') return view(await sendReserved(payout));
  return view(await freshened(payout));
}

/** A claimant asking again may ask the provider again, but not more often than this. */
const REFRESH_INTERVAL_MS = 3_000;

/**
 * The payout with the provider's latest word when the claimant is waiting on it: an unknown
 * outcome, a send that has been out for a while, or an envelope / transfer the user may just
 * have opened or confirmed. Settled payouts and fresh looks are answered as stored.
 */
async function freshened(payout: PayoutRecord): Promise<PayoutRecord> {
  if (isTerminal(payout.state) || payout.state === 'reserved' || payout.state === 'failed') {
    return payout;
  }
  const lastLook = payout.lastCheckedAt ?? payout.stateSince;
  if (Date.now() - lastLook < REFRESH_INTERVAL_MS) return payout;
  return refresh(payout);
}

export function payoutView(payout: PayoutRecord): PayoutView {
  return {
    campaignId: payout.campaignId,
    campaignName: payout.campaignName,
    provider: payout.provider,
    amountFen: payout.amountFen,
    amountText: formatYuan(payout.amountFen),
    state: payout.state,
    stateText: CLAIMANT_STATE_LABELS[payout.state],
    claimedAt: new Date(payout.createdAt).toISOString(),
    updatedAt: new Date(payout.stateSince).toISOString(),
  };
}

function view(payout: PayoutRecord): ClaimResult {
  return { payout: payoutView(payout), client: clientParams(payout) };
}

/** Where the claimant's payout for this scan's code stands (null when none was claimed). */
export async function rewardStatus(scanId: string, openid: string): Promise<StatusResult> {
  const scan = ownedScan(await findScan(scanId), openid);
  const payout = await findPayoutByCode(scan.code);
  if (!payout || payout.openid !== openid) return { payout: null };
  return { payout: payoutView(await freshened(payout)) };
}
