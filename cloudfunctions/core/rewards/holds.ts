/**
 * The scheduler's sweep of budget holds (data/campaigns.ts BudgetHold). A claim holds budget,
 * then inserts its payout carrying the hold's id, and leaves the hold as a note (its payout's
 * settlement clears it, or this sweep). A claim that died before its payout leaves a hold too:
 *   - its payout exists → the payout carries the reservation: the hold is only forgotten;
 *   - no payout → the claim never locked the code: the held amount goes back to `remainingFen`,
 *     exactly once (returnHold matches only while the hold is there).
 * Only holds older than HOLD_GRACE_MS are looked at, far past any claim's timeout. A claim could
 * still be frozen rather than dead (a request delayed in the network, a stalled instance), and
 * insert its payout after the budget went back: that would pay from budget no longer held for
 * it. So before giving a hold back the sweep fences it (data/payouts.ts fenceHold): the fence
 * takes the hold's id under the payouts' unique `holdId` index, and the late insert fails. Either
 * the payout or the fence gets in first; the budget follows whichever did.
 */
import { campaignsWithStaleHolds, clearHolds, returnHold } from '../data/campaigns.js';
import { fenceHold, holdOwners } from '../data/payouts.js';

/** Far past the reward function's 20 s timeout (cloudbaserc.json). */
export const HOLD_GRACE_MS = 2 * 60_000;

export interface HoldSweepReport {
  /** Holds whose payouts exist, forgotten. */
  cleared: number;
  /** Holds of claims that died before their payout, given back to the budget. */
  returned: number;
  /** Fen given back. */
  returnedFen: number;
}

export async function sweepHolds(now = Date.now()): Promise<HoldSweepReport> {
  const report: HoldSweepReport = { cleared: 0, returned: 0, returnedFen: 0 };
  const cutoff = now - HOLD_GRACE_MS;
  for (const campaign of await campaignsWithStaleHolds(cutoff)) {
    const stale = (campaign.holds ?? []).filter((hold) => hold.at < cutoff);
    const owners = await holdOwners(stale.map((hold) => hold.id));
    // Holds with no owner yet get a fence; one that lost to a payout inserted meanwhile is that
    // payout's after all.
    for (const hold of stale.filter((candidate) => !owners.has(candidate.id))) {
      if ((await fenceHold(hold.id, now)) === 'fenced') owners.set(hold.id, 'fence');
      else owners.set(hold.id, (await holdOwners([hold.id])).get(hold.id) ?? 'fence');
    }
    const paid = stale.filter((hold) => owners.get(hold.id) === 'payout');
    await clearHolds(
      campaign._id,
      paid.map((hold) => hold.id),
    );
    report.cleared += paid.length;
    for (const hold of stale.filter((candidate) => owners.get(candidate.id) === 'fence')) {
      if (!(await returnHold(campaign._id, hold))) continue;
      report.returned += 1;
      report.returnedFen += hold.fen;
      console.error(
        `[reward] campaign ${campaign._id}: hold ${hold.id} (${hold.fen} fen) had no payout; returned`,
      );
    }
  }
  return report;
}
