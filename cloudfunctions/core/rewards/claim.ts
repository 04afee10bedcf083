/**
 * A consumer claims the cash reward of a scan, and asks where it stands. This module runs the
 * rounds below; their parts live beside it: the claimant and the code (claim-code.ts), the
 * quotas and the budget hold (claim-secure.ts), the payout that locks the code (claim-lock.ts),
 * and a code already claimed, picked up where it stands (claim-resume.ts).
 *
 * Only a 一物一码 ticket scan claims, unless the campaign allows typed codes (anyone holding the
 * codes — print shop, packer, an export file — could otherwise script claims).
 *
 * The money guarantees rest on database writes, not on anything read before them:
 *   - the budget is held by ONE conditional update on the campaign that matches only while
 *     enough remains (`remainingFen >= amount`), the campaign is running inside its window, and
 *     it is still the revision the claim decided on (data/campaigns.ts `revision`, moved by every
 *     edit and status change), so it never goes negative, a pause stops claims in flight, and no
 *     claim pays on an amount, limit, targeting or blacklist edited since it read them; the same
 *     update records the hold under a random id, naming the code (data/campaigns.ts BudgetHold);
 *   - the per-user and per-IP limits are counters taken by one conditional update each, in the
 *     round before the hold (data/claim-quotas.ts): parallel claims cannot all pass them; a
 *     claim refused anywhere gives back what it took;
 *   - the code is locked by inserting the payout under the unique `code` index (its `_id` is the
 *     deterministic out-number, its `holdId` the hold's, unique too), so a code never gets a
 *     second payout: the loser of a race gives its hold back and answers with the payout that won;
 *     a user's second tap refused where the first tap took the last of a limit or of the budget
 *     (the quota and the hold name their code) answers the first tap's payout likewise;
 *   - a claim that dies between the two leaves a hold with no payout: the scheduler's sweep
 *     fences the hold's id in `payouts` and gives the budget back (rewards/holds.ts), so budget is
 *     never stranded, and a claim that was only frozen fails at its insert instead of paying from
 *     budget given back (CLAIM_INTERRUPTED: nothing paid, claiming again starts afresh). A hold
 *     whose payout exists is only a note: the payout's settlement or the sweep clears it.
 *
 * The running campaigns are the ones the instance keeps for a minute (rewards/running-
 * campaigns.ts; read beside round 1 when older). What a kept list may miss costs no money, and
 * claims honour changes at once: an edited campaign is found at its hold and decided again as it
 * is now; a paused or ended one refuses at its hold; a claim no kept campaign pays (a campaign
 * started, budget raised) is decided again on a fresh read before it is refused. Only the choice
 * between two campaigns that both pay for a code may lag a campaign started in the last minute.
 *
 * Database round trips of a first claim, in rounds (one candidate campaign):
 *   1  the scan (‖ the running campaigns, when the instance's are a minute old)  1 (+1)
 *   2  the code's payout ‖ its state (carrying its range and product)           2
 *   3  take the user's quota (‖ the IP's, when limited)                          1 (2)
 *   4  hold the budget                                                           1
 *   5  insert the payout as `sending` (the code lock)                            1
 *   6  the provider call, then its answer (sent / waiting_user / …)              1 (+1 release)
 *      ‖ count the claim in the figures (rewards/rollup.ts)                      1
 * 8 in all (9 on a cold instance, and once a minute on a warm one). A refused claim records and
 * counts its refusal (+2, side by side), and decides it on a fresh read of the running campaigns
 * unless round 1 read them (+1); when none of them pays for the code, the campaign the landing
 * offered is read to say it was paused or ended since (+1, offeredAndGone). Nothing is read to know the limits: the user's quota is
 * inserted (+1 when the user claimed in this campaign before: the insert finds it, a conditional
 * update takes it), the IP's updated (+1 for an IP new to the campaign). A code last scanned
 * before its state carried the range and product reads them (+2). Each campaign refused
 * meanwhile costs what it took, given back, before the next is tried (a refused quota one read
 * more, to say which limit; a budget refused, at the hold or by the rules, one more, to learn
 * whether this code's other claim holds it). A refusal by a limit or the budget that this code's
 * other claim holds reads the code's payout and answers it (+1, or a look every 50–1,600 ms,
 * about 6 s at most, while that claim is between its hold and its payout); an IP refusal reads
 * it once (+1). A hold refused because the campaign was edited reads it (+1), gives the quotas
 * back and decides again; a kept campaign found ended at its hold costs its quota take, the
 * hold, the read and the give-back (+4) once per instance, which then reads the list again.
 * A claim that loses the code lock at round 5 gives its hold and quotas back and reads the winner
 * (3 more, 4 with an IP limit). A repeated claim stops after round 2 (plus one write when it must
 * resend, and a provider query with its write when the last look is more than 3 s old and the
 * payout is still open).
 */
import type { ClaimResult, RewardErrorCode, StatusResult } from '../../../typings/reward.js';
import { codeHoldsBudget, findCampaign, toCampaign } from '../data/campaigns.js';
import { findCodeState } from '../data/codes.js';
import { quotaKeys } from '../data/claim-quotas.js';
import { findPayoutByCode, insertPayout } from '../data/payouts.js';
import { findScan } from '../data/scans.js';
import { countClaim, countRefusal } from './rollup.js';
import type { Campaign } from '../domain/campaign.js';
import {
  REFUSAL_MESSAGES,
  rankCampaigns,
  selectCampaign,
  targets,
  type ClaimedCode,
  type EligibilityContext,
} from '../domain/campaign-eligibility.js';
import { decideVerdict } from '../domain/verdict.js';
import { AppError } from '../errors.js';
import { miniProgramAppid } from '../config.js';
import { claimFacts, claimedCode, ownedScan, refusal, type Claimant } from './claim-code.js';
import { sendingPayout } from './claim-lock.js';
import { freshened, payoutOnItsWay, payoutView, resume, view } from './claim-resume.js';
import { giveBack, secure, type Refused, type Secured } from './claim-secure.js';
import { sendOut } from './dispatch.js';
import {
  forgetRunningCampaigns,
  freshRunningCampaigns,
  keptRunningCampaigns,
} from './running-campaigns.js';
import { requireMerchant } from './providers.js';

export type { Claimant };

/** A scan older than this cannot be claimed: the user scans again (a screenshot is not a scan). */
export const CLAIM_WINDOW_MS = 30 * 60_000;

/** Refusals at the hold that say the campaign is no longer running. */
const GONE = new Set<string>(['NOT_RUNNING', 'OUTSIDE_WINDOW']);

/** Edits of the campaigns a claim finds at its holds before it gives up (each costs a retry). */
const MAX_EDITS_SEEN = 3;

/** The reward function's refusals, each counted in the figures (rewards/rollup.ts). */
const REFUSAL_CODES = new Set<string>([
  'SCAN_NOT_FOUND',
  'SCAN_EXPIRED',
  'PAYOUT_NOT_CONFIGURED',
  'CLAIM_INTERRUPTED',
  ...Object.keys(REFUSAL_MESSAGES),
]);

/**
 * `offered` is the campaign the landing page offered (RewardOffer.campaignId), as the client says:
 * it is never trusted to pay, only to word a refusal (offeredAndGone).
 */
export async function claimReward(
  scanId: string,
  claimant: Claimant,
  offered?: string,
): Promise<ClaimResult> {
  const now = Date.now();
  // The campaign a refusal is about, once the rules reached one.
  const about: { campaignId?: string } = {};
  try {
    return await claimOnce(scanId, claimant, now, about, offered);
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
  offered: string | undefined,
): Promise<ClaimResult> {
  // Round 1: the scan, beside the running campaigns when this instance's are a minute old.
  const [found, listed] = await Promise.all([findScan(scanId), keptRunningCampaigns()]);
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

  // "First scan only" pays the code's first ticket scan: a typed lookup before it (anyone may
  // hold the codes) does not take it. Codes recorded before that was kept fall back to the first.
  const firstScan = state.firstTicketScanId ?? state.firstScanId;
  const provisional = claimedCode(scan, facts, 'GENUINE_REPEAT', firstScan === scan._id);
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

  // The campaigns as read: kept by the instance (fresh = read during this claim), each replaced
  // by its current revision when a hold finds it edited. Campaigns refused meanwhile are out.
  const records = new Map(listed.items.map((record) => [record._id, record]));
  let fresh = listed.loadedAt >= now;
  const refused = new Set<string>();
  const candidatesNow = () =>
    rankCampaigns([...records.values()].map(toCampaign), provisional, now)
      .filter((campaign) => !refused.has(campaign.id))
      .map((campaign): { campaign: Campaign; context: EligibilityContext } => ({
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
  let candidates = candidatesNow();
  let appid: string | undefined;

  // Rounds 3 and 4 (claim-secure.ts): take the user's (and the IP's) quota of the best
  // eligible campaign, then hold its budget on the revision read; when any is refused, what was
  // taken is given back and the next eligible campaign is tried.
  let campaign: Campaign;
  let secured: Secured;
  let mchId: string;
  const refusals: { campaignId: string; refusal: AppError }[] = [];
  let sameCode: Refused['sameCode'] = 'no';
  let edits = 0;
  for (;;) {
    const selection = selectCampaign(candidates);
    if (!selection.ok) {
      // No eligible campaign is decided on a fresh read: one started, or budget raised or
      // given back, since the instance's read (+1, on a refusal only).
      if (!fresh) {
        const current = await freshRunningCampaigns();
        records.clear();
        for (const record of current.items) records.set(record._id, record);
        fresh = true;
        candidates = candidatesNow();
        continue;
      }
      // A second tap of this code, refused where the first tap's claim took the last of a limit
      // or of the budget, answers that claim's payout, as a repeated claim does (+1, or a few
      // looks while that claim is between its hold and its payout). The budget may already read
      // as spent by the first tap when the rules see it (+1 to ask whether it holds it).
      if (
        sameCode !== 'holding' &&
        selection.campaign &&
        selection.refusal.code === 'BUDGET_EXHAUSTED' &&
        (await codeHoldsBudget(selection.campaign.id, scan.code))
      ) {
        sameCode = 'holding';
      }
      const winner =
        sameCode === 'no' ? undefined : await payoutOnItsWay(scan.code, sameCode === 'holding');
      if (winner) {
        about.campaignId = winner.campaignId;
        return resume(winner, claimant.openid);
      }
      // Refusals by campaigns still running (as last read) speak first, then the rules'; a
      // campaign found paused, ended or out of its window at its hold only when no running one
      // had anything to say (read afresh, it would not have been listed), and what a campaign
      // the fresh read no longer lists refused by its quotas, never.
      const live = refusals.find(
        (entry) => records.has(entry.campaignId) && !GONE.has(entry.refusal.code),
      );
      const chosen =
        live ??
        (selection.campaign
          ? {
              campaignId: selection.campaign.id,
              refusal: new AppError(selection.refusal.code, selection.refusal.message),
            }
          : refusals.find((entry) => GONE.has(entry.refusal.code))) ??
        (offered && !records.has(offered) ? await offeredAndGone(offered, code, now) : undefined);
      about.campaignId = chosen?.campaignId;
      throw chosen?.refusal ?? new AppError(selection.refusal.code, selection.refusal.message);
    }
    campaign = selection.campaign;
    appid ??= miniProgramAppid() ?? claimant.appid;
    if (!appid) throw new AppError('PAYOUT_NOT_CONFIGURED', '奖励发放暂未开通，请联系商家');
    mchId = requireMerchant(campaign.payout.provider);
    const outcome = await secure(records.get(campaign.id)!, campaign, claimant, keys, scan.code);
    if ('stale' in outcome) {
      // Edited since it was read: decide again on the campaign as it is now, and have the
      // instance read the list again. Edits one after another while a claim runs end it.
      forgetRunningCampaigns();
      if (++edits > MAX_EDITS_SEEN) throw new AppError('CLAIM_INTERRUPTED', '领取超时，请再试一次');
      records.set(outcome.stale._id, outcome.stale);
      candidates = candidatesNow();
      continue;
    }
    if (!('refusal' in outcome)) {
      secured = outcome;
      break;
    }
    refused.add(campaign.id);
    candidates = candidatesNow();
    refusals.push({ campaignId: campaign.id, refusal: outcome.refusal });
    if (outcome.refusal.code === 'NOT_RUNNING') forgetRunningCampaigns();
    if (outcome.sameCode === 'holding' || (outcome.sameCode === 'maybe' && sameCode === 'no')) {
      sameCode = outcome.sameCode;
    }
  }

  // Round 5: lock the code with the payout (claim-lock.ts), written as `sending` at once.
  const payout = sendingPayout({
    scan,
    campaign,
    claimant,
    appid,
    mchId,
    hold: secured.hold,
    claimedAt: now,
  });
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

/** Where the claimant's payout for this scan's code stands (null when none was claimed). */
export async function rewardStatus(scanId: string, openid: string): Promise<StatusResult> {
  const scan = ownedScan(await findScan(scanId), openid);
  const payout = await findPayoutByCode(scan.code);
  if (!payout || payout.openid !== openid) return { payout: null };
  return { payout: payoutView(await freshened(payout)) };
}

/**
 * No running campaign pays for the code, and the landing had offered one: when that campaign
 * still targets the code but was paused, ended or left its window since, the refusal says so
 * (活动未在进行中 / 不在活动时间内) rather than that the code is in no campaign — which is what a
 * fresh read alone would say, while an instance that still kept the campaign finds it paused at
 * its hold (+1 read, on this refusal only).
 */
async function offeredAndGone(
  campaignId: string,
  code: ClaimedCode,
  now: number,
): Promise<{ campaignId: string; refusal: AppError } | undefined> {
  const record = await findCampaign(campaignId);
  if (!record) return undefined;
  const campaign = toCampaign(record);
  if (!targets(campaign, code)) return undefined;
  if (campaign.status !== 'running') return { campaignId, refusal: refusal('NOT_RUNNING') };
  if (now < campaign.startAt || now >= campaign.endAt) {
    return { campaignId, refusal: refusal('OUTSIDE_WINDOW') };
  }
  return undefined;
}
