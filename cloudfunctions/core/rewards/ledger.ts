/**
 * Records what happened to a payout: asks the state machine (domain/payout.ts) whether the event
 * moves it, then writes the move conditionally on the state it leaves, together with when
 * reconciliation should look at it next. A payout that fails definitely gives its budget back
 * right away (failed → budget_released); one that is received moves its amount from held to
 * paid. Both book moves ride in the same transaction as the payout's own change, so they happen
 * once however many writers (claim, status, scheduler, callback) race.
 */
import { addOverspend } from '../data/campaigns.js';
import { countSettlement } from './rollup.js';
import { recordAnomaly } from '../data/payout-anomalies.js';
import {
  findPayout,
  writeFlag,
  writeSettlement,
  writeTransition,
  type DueAt,
  type PayoutRecord,
  type TransitionPatch,
} from '../data/payouts.js';
import {
  applyTransition,
  mustReleaseBudget,
  wasEverUnknown,
  type PayoutEvent,
} from '../domain/payout.js';
import { bookingMismatches, type ProviderBooking } from '../domain/payout-provider-events.js';
import { planReconciliation } from '../domain/payout-reconciliation.js';

/** When reconciliation should next look at a payout as it now stands. */
export function dueAfter(payout: PayoutRecord, now: number): DueAt {
  return planReconciliation(payout, now).nextCheckAt;
}

export interface RecordOptions {
  /**
   * The event is WeChat Pay's settled word about the out-number (a query or a signed callback),
   * not a send reply: a failure it reports may release budget even after an unknown outcome.
   */
  confirmed?: boolean;
}

export async function recordEvent(
  payout: PayoutRecord,
  event: PayoutEvent,
  givenPatch: TransitionPatch = {},
  options: RecordOptions = {},
): Promise<PayoutRecord> {
  const now = Date.now();
  // Once unknown, always suspect: something may exist under the out-number for good.
  const patch: TransitionPatch =
    event.type === 'outcome_unknown' ? { ...givenPatch, everUnknown: true } : givenPatch;
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
          {
            campaignId: payout.campaignId,
            amountFen: payout.amountFen,
            to: 'paid',
            holdId: payout.holdId,
          },
          dueAt,
          patch,
        )
      : await writeTransition(payout.outNo, payout.state, entry, dueAt, patch);
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  if (entry.to === 'received') await countSettlement(payout, 'received');
  const stored = withDue(next, dueAt);
  // After an unknown outcome, a failure read from a send reply waits for a query to confirm it
  // (reconciliation's confirm-failure, due at once); the budget stays held until then.
  const release = mustReleaseBudget(stored.state) && (options.confirmed || !wasEverUnknown(stored));
  return release ? releaseBudget(stored) : stored;
}

export type ProviderSource = 'query' | 'callback';

/**
 * Applies what WeChat Pay says about a payout (a query answer or a callback), after holding it
 * against our booking: an answer naming another amount, openid, merchant or appid is flagged for
 * operators and not applied; money paid after we released the budget is booked as the campaign's
 * overspend with an anomaly record, and flagged. Otherwise the event is recorded as confirmed.
 */
export async function applyProviderWord(
  payout: PayoutRecord,
  event: PayoutEvent,
  report: { source: ProviderSource; booking?: ProviderBooking; patch?: TransitionPatch },
): Promise<PayoutRecord> {
  const now = Date.now();
  const mismatches = report.booking ? bookingMismatches(payout, report.booking) : [];
  if (mismatches.length > 0) {
    const reason = `MISMATCH ${report.source}: ${mismatches.join(', ')}`;
    console.error(`[reward] payout ${payout.outNo}: WeChat Pay disagrees (${reason}); not applied`);
    await writeFlag(payout.outNo, { at: now, reason });
    return { ...payout, flaggedAt: now, flagReason: reason };
  }
  if (event.type === 'received' && payout.state === 'budget_released') {
    return recordPaidAfterRelease(payout, report.source, now);
  }
  return recordEvent(payout, event, report.patch ?? {}, { confirmed: true });
}

/**
 * WeChat Pay paid a payout whose budget we had already given back: the campaign is overspent by
 * its amount. Recorded once (the anomaly's id is the payout's), then counted with `_.inc`.
 */
async function recordPaidAfterRelease(
  payout: PayoutRecord,
  source: ProviderSource,
  now: number,
): Promise<PayoutRecord> {
  const reason = 'PAID_AFTER_RELEASE';
  console.error(`[reward] payout ${payout.outNo}: paid after its budget was released`);
  const recorded = await recordAnomaly({
    kind: reason,
    outNo: payout.outNo,
    campaignId: payout.campaignId,
    amountFen: payout.amountFen,
    source,
    at: now,
  });
  if (recorded === 'recorded') await addOverspend(payout.campaignId, payout.amountFen);
  await writeFlag(payout.outNo, { at: now, reason });
  return { ...payout, flaggedAt: now, flagReason: reason };
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
    {
      campaignId: payout.campaignId,
      amountFen: payout.amountFen,
      to: 'returned',
      holdId: payout.holdId,
    },
    dueAt,
  );
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  await countSettlement(payout, 'released');
  return withDue(result.payout, dueAt);
}

function withDue(payout: PayoutRecord, dueAt: DueAt): PayoutRecord {
  const { dueAt: _previous, ...rest } = payout;
  return dueAt === null ? rest : { ...rest, dueAt };
}
