/**
 * Records what happened to a payout: asks the state machine (domain/payout.ts) whether the event
 * moves it, then writes the move conditionally on the state it leaves. A payout that fails
 * definitely gives its budget back right away (failed → budget_released); one that is received
 * moves its amount from held to paid. Both book moves ride in the same transaction as the
 * payout's own change, so they happen once however many writers race.
 */
import {
  findPayout,
  writeSettlement,
  writeTransition,
  type PayoutRecord,
  type TransitionPatch,
} from '../data/payouts.js';
import { mustReleaseBudget, transition, type PayoutEvent } from '../domain/payout.js';

export async function recordEvent(
  payout: PayoutRecord,
  event: PayoutEvent,
  patch: TransitionPatch = {},
): Promise<PayoutRecord> {
  const result = transition(payout, event, Date.now());
  if (!result.ok) {
    // A contradiction (e.g. received after release): keep the record, let an operator look.
    console.error(`[reward] payout ${payout.outNo}: ${result.error.message}`);
    return payout;
  }
  const { entry } = result;
  if (!entry) return payout;
  const written =
    entry.to === 'received'
      ? await writeSettlement(
          payout.outNo,
          payout.state,
          entry,
          { campaignId: payout.campaignId, amountFen: payout.amountFen, to: 'paid' },
          patch,
        )
      : await writeTransition(payout.outNo, payout.state, entry, patch);
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  const next: PayoutRecord = {
    ...payout,
    ...patch,
    state: entry.to,
    stateSince: entry.at,
    checks: 0,
    ledger: [...payout.ledger, entry],
  };
  return mustReleaseBudget(next.state) ? releaseBudget(next) : next;
}

/** failed → budget_released, with the held amount back to the campaign's remaining budget. */
export async function releaseBudget(payout: PayoutRecord): Promise<PayoutRecord> {
  const result = transition(payout, { type: 'release' }, Date.now());
  if (!result.ok || !result.entry) return payout;
  const { entry } = result;
  const written = await writeSettlement(payout.outNo, payout.state, entry, {
    campaignId: payout.campaignId,
    amountFen: payout.amountFen,
    to: 'returned',
  });
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  return {
    ...payout,
    state: entry.to,
    stateSince: entry.at,
    checks: 0,
    ledger: [...payout.ledger, entry],
  };
}
