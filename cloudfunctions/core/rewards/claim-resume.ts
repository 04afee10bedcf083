/**
 * A claim of a code that already has its payout (round 2 of claimReward, claim.ts), and the
 * claimant asking where it stands: the payout is picked up where it stands and shown as the
 * claimant reads it.
 */
import type { ClaimResult, PayoutView } from '../../../typings/reward.js';
import { findPayoutByCode, type PayoutRecord } from '../data/payouts.js';
import { formatYuan } from '../domain/amount.js';
import { CLAIMANT_STATE_LABELS, isTerminal } from '../domain/payout.js';
import { refusal } from './claim-code.js';
import { refresh, sendReserved } from './dispatch.js';
import { clientParams } from './providers.js';

/**
 * A claim of a code that already has its payout: the claimant's own payout is picked up where it
 * stands (sent again if the last send was refused without creating anything; asked about if its
 * outcome is not known yet); anyone else's means the code's reward is gone.
 */
export async function resume(payout: PayoutRecord, openid: string): Promise<ClaimResult> {
  if (payout.openid !== openid) throw refusal('CODE_ALREADY_REWARDED');
  if (payout.state === 'reserved') return view(await sendReserved(payout));
  return view(await freshened(payout));
}

/** Pauses between looks for a payout another claim of the code is making: about 6 s in all. */
const PAYOUT_ON_ITS_WAY_PAUSES_MS = [50, 100, 200, 400, 800, 1_600, 1_600, 1_600];

/**
 * The code's payout, looked for once, or — when another claim of the code holds what this one
 * was refused (`holding`: it is between its budget hold and its payout) — until it is there or
 * about 6 s have passed (a busy function; the reward function's limit is 20 s). Undefined when there is none.
 */
export async function payoutOnItsWay(
  code: string,
  holding: boolean,
): Promise<PayoutRecord | undefined> {
  let payout = await findPayoutByCode(code);
  for (const pause of holding ? PAYOUT_ON_ITS_WAY_PAUSES_MS : []) {
    if (payout) break;
    await new Promise((resolve) => setTimeout(resolve, pause));
    payout = await findPayoutByCode(code);
  }
  return payout;
}

/** A claimant asking again may ask the provider again, but not more often than this. */
const REFRESH_INTERVAL_MS = 3_000;

/**
 * The payout with the provider's latest word when the claimant is waiting on it: an unknown
 * outcome, a send that has been out for a while, or an envelope / transfer the user may just
 * have opened or confirmed. Settled payouts and fresh looks are answered as stored.
 */
export async function freshened(payout: PayoutRecord): Promise<PayoutRecord> {
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

export function view(payout: PayoutRecord): ClaimResult {
  return { payout: payoutView(payout), client: clientParams(payout) };
}
