/**
 * Reward figures kept as they happen (domain/rollups.ts, `rewardRollups`): a claim when its
 * payout locks the code, a payout's receipt or release when its settlement is written (the
 * state machine writes each once), a refusal when the claim answers it. A claim and its payout's
 * fate count in the bucket the claim was made in (the payout's `createdAt`), so a day's figures
 * read "of the claims made that day, so many were paid". Each is one `_.inc` sent beside the
 * flow's next step (the provider call) or right after the write it follows; a function that
 * dies in between loses that increment, which `npm run stats:rebuild` restores from payouts and
 * claimRefusals.
 */
import type { RewardErrorCode } from '../../../typings/reward.js';
import { recordRefusal } from '../data/claim-refusals.js';
import { addToRollup, REWARD_ROLLUPS } from '../data/rollups.js';
import type { PayoutRecord } from '../data/payouts.js';
import { dayLabel, rewardIncrements, shardOf, type RewardCounters } from '../domain/rollups.js';

/** Never fails the flow it rides with: a lost increment is a figure a rebuild restores. */
async function count(
  at: number,
  shardKey: string,
  campaignId: string | undefined,
  counters: RewardCounters,
): Promise<void> {
  try {
    await addToRollup(
      REWARD_ROLLUPS,
      dayLabel(at),
      shardOf(shardKey),
      rewardIncrements(at, campaignId, counters),
    );
  } catch (error) {
    console.warn(`[reward] counting in the figures failed: ${String(error)}`);
  }
}

/** A claim whose payout now holds the code. */
export function countClaim(payout: Pick<PayoutRecord, 'outNo' | 'campaignId' | 'createdAt'>) {
  return count(payout.createdAt, payout.outNo, payout.campaignId, { c: 1 });
}

/** A payout's settlement, written once by the ledger. */
export function countSettlement(
  payout: Pick<PayoutRecord, 'outNo' | 'campaignId' | 'createdAt' | 'amountFen'>,
  outcome: 'received' | 'released',
) {
  return count(
    payout.createdAt,
    payout.outNo,
    payout.campaignId,
    outcome === 'received' ? { p: 1, pf: payout.amountFen } : { x: 1 },
  );
}

/**
 * A refused claim: recorded raw in `claimRefusals` (what a rebuild counts) and counted, side by
 * side. Never fails the claim's answer: the refusal is what the user must see.
 */
export async function countRefusal(
  reason: RewardErrorCode,
  campaignId: string | undefined,
  at: number,
): Promise<void> {
  const id = `${at.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  await Promise.all([
    recordRefusal({ _id: id, reason, refusedAt: at, ...(campaignId ? { campaignId } : {}) }).catch(
      (error: unknown) => console.warn(`[reward] recording a refusal failed: ${String(error)}`),
    ),
    count(at, id, campaignId, { r: 1, rr: { [reason]: 1 } }),
  ]);
}
