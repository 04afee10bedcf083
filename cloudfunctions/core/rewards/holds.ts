/**
 * The scheduler's sweep of budget holds (data/campaigns.ts BudgetHold). A claim holds budget,
 * then inserts its payout carrying the hold's id, then clears the hold. A claim that died on the
 * way leaves the hold behind:
 *   - its payout exists → the payout carries the reservation: the hold is only forgotten;
 *   - no payout → the claim never locked the code: the held amount goes back to `remainingFen`,
 *     exactly once (returnHold matches only while the hold is there).
 * Only holds older than HOLD_GRACE_MS are looked at: no claim can still be running by then.
 */
import { campaignsWithStaleHolds, clearHolds, returnHold } from '../data/campaigns.js';
import { holdsWithPayouts } from '../data/payouts.js';

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
    const owned = await holdsWithPayouts(stale.map((hold) => hold.id));
    await clearHolds(
      campaign._id,
      stale.filter((hold) => owned.has(hold.id)).map((hold) => hold.id),
    );
    report.cleared += owned.size;
    for (const hold of stale.filter((candidate) => !owned.has(candidate.id))) {
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
