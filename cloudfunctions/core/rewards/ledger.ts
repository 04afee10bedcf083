/**
 * Records what happened to a payout: asks the state machine (domain/payout.ts) whether the event
 * moves it, then writes the move conditionally on the state it leaves, together with when
 * reconciliation should look at it next. A payout that fails definitely gives its budget back
 * right away (failed → budget_released); one that is received moves its amount from held to
 * paid. Both book moves ride in the same transaction as the payout's own change, so they happen
 * once however many writers (claim, status, scheduler, callback) race.
 */
import {
  findPayout,
  writeSettlement,
  writeTransition,
  type DueAt,
  type PayoutRecord,
  type TransitionPatch,
} from '../data/payouts.js';
import {
  applyTransition,
  mustReleaseBudget,
  planReconciliation,
  type PayoutEvent,
} from '../domain/payout.js';

/** When reconciliation should next look at a payout as it now stands. */
export function dueAfter(payout: PayoutRecord, now: number): DueAt {
  return planReconciliation(payout, now).nextCheckAt;
}

export async function recordEvent(
  payout: PayoutRecord,
  event: PayoutEvent,
  patch: TransitionPatch = {},
): Promise<PayoutRecord> {
  const now = Date.now();
  const result = applyTransition(payout, event, now);
  if (!result.ok) {
    // A contradiction (e.g. received after release): keep the record, let an operator look.
    console.error(`[reward] payout ${payout.outNo}: ${result.error.message}`);
    return payout;
  }
  const { entry } = result;
  if (!entry) return payout;
  const next: PayoutRecord = { ...result.payout, ...patch };
  const dueAt = dueAfter(next, now);
  const written =
    entry.to === 'received'
      ? await writeSettlement(
          payout.outNo,
          payout.state,
          entry,
          { campaignId: payout.campaignId, amountFen: payout.amountFen, to: 'paid' },
          dueAt,
          patch,
        )
      : await writeTransition(payout.outNo, payout.state, entry, dueAt, patch);
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  const stored = withDue(next, dueAt);
  return mustReleaseBudget(stored.state) ? releaseBudget(stored) : stored;
}

/** failed → budget_released, with the held amount back to the campaign's remaining budget. */
export async function releaseBudget(payout: PayoutRecord): Promise<PayoutRecord> {
  const now = Date.now();
  const result = applyTransition(payout, { type: 'release' }, now);
  if (!result.ok || !result.entry) return payout;
  const dueAt = dueAfter(result.payout, now);
  const written = await writeSettlement(
    payout.outNo,
    payout.state,
    result.entry,
    { campaignId: payout.campaignId, amountFen: payout.amountFen, to: 'returned' },
    dueAt,
  );
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  return withDue(result.payout, dueAt);
}

function withDue(payout: PayoutRecord, dueAt: DueAt): PayoutRecord {
  const { dueAt: _previous, ...rest } = payout;
  return dueAt === null ? rest : { ...rest, dueAt };
}
