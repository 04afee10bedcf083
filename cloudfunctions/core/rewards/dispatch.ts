/**
 * What moves a payout along besides the claim itself: sending a reserved payout, asking the
 * provider where a sent one stands, and the scheduler's reconciliation of everything that is due
 * (domain/payout-reconciliation.ts planReconciliation decides what "due" means and what to do).
 *
 * Every write is conditional on the state the payout was read in, so a claim, a `status` call, a
 * callback and the scheduler may all act on one payout at the same moment: one of them moves it,
 * the others find it moved and do nothing.
 */
import { listDuePayouts } from '../data/payout-lists.js';
import { findPayout, writeCheck, writeTransition, type PayoutRecord } from '../data/payouts.js';
import { applyTransition, transition } from '../domain/payout.js';
import { bookingMismatches } from '../domain/payout-provider-events.js';
import { ABANDONED, planReconciliation } from '../domain/payout-reconciliation.js';
import { applyProviderWord, dueAfter, recordEvent, releaseBudget } from './ledger.js';
import { queryPayout, sendPayout } from './providers.js';

/** reserved → sending (so a crash leaves a trace), the provider call, then its answer. */
export async function sendReserved(payout: PayoutRecord): Promise<PayoutRecord> {
  const now = Date.now();
  const moved = applyTransition(payout, { type: 'send' }, now);
  if (!moved.ok || !moved.entry) return payout;
  const sending = moved.payout;
  const dueAt = dueAfter(sending, now);
  // Another request is sending it right now: report, do not send twice.
  if (!(await writeTransition(payout.outNo, 'reserved', moved.entry, dueAt))) {
    return (await findPayout(payout.outNo)) ?? { ...payout, state: 'sending' };
  }
  sending.dueAt = dueAt ?? undefined;
  return sendOut(sending);
}

/**
 * The provider call of a payout already written as `sending` (by sendReserved, or by the claim's
 * insert, which writes it so directly), then its answer.
 */
export async function sendOut(sending: PayoutRecord): Promise<PayoutRecord> {
  let outcome: Awaited<ReturnType<typeof sendPayout>>;
  try {
    outcome = await sendPayout(sending);
  } catch (error) {
    // Whatever broke, the request may have left: unknown, for a query to settle, never stuck in
    // `sending` with no answer recorded.
    console.error(`[reward] payout ${sending.outNo}: send failed unexpectedly`, error);
    outcome = { event: { type: 'outcome_unknown', code: 'INTERNAL', detail: String(error) } };
  }
  return recordEvent(
    sending,
    outcome.event,
    outcome.clientPackage ? { clientPackage: outcome.clientPackage } : {},
  );
}

/**
 * Asks the provider where the payout stands and records what it learned. A look that learns
 * nothing new is counted, so the next one waits longer; `flag` marks it for operators.
 */
export async function refresh(payout: PayoutRecord, flag = false): Promise<PayoutRecord> {
  const { event, clientPackage, booking } = await queryPayout(payout);
  const now = Date.now();
  const news = event ? transition(payout, event, now) : null;
  const paidAfterRelease = event?.type === 'received' && payout.state === 'budget_released';
  if (event && ((news?.ok && news.entry) || paidAfterRelease)) {
    const patch = clientPackage && !payout.clientPackage ? { clientPackage } : {};
    const after = await applyProviderWord(payout, event, { source: 'query', booking, patch });
    // Applied: the payout moved (its clock restarted). Otherwise it was flagged, not moved, and
    // is looked at again like any look that changed nothing.
    if (after.stateSince !== payout.stateSince || after.state !== payout.state) return after;
    return counted({ ...payout, ...pickFlag(after) }, now, flag);
  }
  // Nothing new, or a contradiction the ledger refuses: an operator must look at the latter
  // whatever its age.
  const contradiction = news !== null && !news.ok;
  if (contradiction) console.error(`[reward] payout ${payout.outNo}: ${news.error.message}`);
  return counted(payout, now, flag || contradiction);
}

/**
 * A failed payout that once had an unknown outcome: WeChat Pay must confirm the failure before
 * its budget goes back, because the request that went unanswered may have paid.
 */
async function confirmFailure(payout: PayoutRecord, flag: boolean): Promise<PayoutRecord> {
  const { event, booking } = await queryPayout(payout);
  const now = Date.now();
  if (!event) return counted(payout, now, flag);
  if (event.type === 'failed' || event.type === 'rejected') {
    // Failed there too, or never created: nothing can be paid under this number any more.
    const mismatched = booking ? bookingMismatches(payout, booking) : [];
    if (mismatched.length === 0) return releaseBudget(payout);
  }
  const after = await applyProviderWord(payout, event, { source: 'query', booking });
  if (after.stateSince !== payout.stateSince || after.state !== payout.state) return after;
  return counted({ ...payout, ...pickFlag(after) }, now, flag);
}

/** A look that changed nothing: counted, so the next one waits longer. */
async function counted(payout: PayoutRecord, now: number, flag: boolean): Promise<PayoutRecord> {
  const checked: PayoutRecord = { ...payout, checks: payout.checks + 1, lastCheckedAt: now };
  const dueAt = dueAfter(checked, now);
  const written = await writeCheck(payout, { at: now, dueAt, flag, counted: true });
  if (!written) return (await findPayout(payout.outNo)) ?? payout;
  return {
    ...checked,
    ...(dueAt === null ? {} : { dueAt }),
    ...(flag ? { flaggedAt: now } : {}),
  };
}

function pickFlag(payout: PayoutRecord): Partial<PayoutRecord> {
  return {
    ...(payout.flaggedAt !== undefined ? { flaggedAt: payout.flaggedAt } : {}),
    ...(payout.flagReason !== undefined ? { flagReason: payout.flagReason } : {}),
  };
}

/** One payout, as the scheduler finds it: do what the plan says. */
export async function reconcile(payout: PayoutRecord): Promise<PayoutRecord> {
  const now = Date.now();
  const plan = planReconciliation(payout, now);
  switch (plan.action) {
    case 'release-budget':
      return releaseBudget(payout);
    case 'abandon':
      return recordEvent(payout, ABANDONED);
    case 'send':
      return sendReserved(payout);
    case 'query':
      return refresh(payout, plan.flag);
    case 'confirm-failure':
      return confirmFailure(payout, plan.flag);
    case 'none':
    case 'wait': {
      // Read early, or past the query horizon: only the next look (and the flag) change.
      const written = await writeCheck(payout, {
        at: now,
        dueAt: plan.nextCheckAt,
        flag: plan.flag && payout.flaggedAt === undefined,
        counted: false,
      });
      return written ? payout : ((await findPayout(payout.outNo)) ?? payout);
    }
  }
}

export interface ReconcileReport {
  /** Payouts looked at. */
  examined: number;
  /** Of those, how many changed state. */
  moved: number;
  /** Looks that threw (the payout stays due and is looked at again next run). */
  errors: number;
  /** Whether due payouts were left for the next run (time or batch budget spent). */
  more: boolean;
}

export interface ReconcileOptions {
  /** Payouts read per batch. */
  batch?: number;
  /** Looks in flight at once (each may wait on WeChat Pay for seconds). */
  concurrency?: number;
  /** Stop starting new looks after this long, so the run ends inside the function's timeout. */
  budgetMs?: number;
}

/**
 * Reconciles every payout whose next look is due, oldest first, until none is due or the time
 * budget is spent. Each payout is looked at once per run.
 */
export async function reconcileDuePayouts(
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const batch = options.batch ?? 50;
  const concurrency = options.concurrency ?? 4;
  const deadline = Date.now() + (options.budgetMs ?? 40_000);
  const report: ReconcileReport = { examined: 0, moved: 0, errors: 0, more: false };
  const seen = new Set<string>();
  for (;;) {
    // A look moves the payout's next look into the future (or settles it), so the next read
    // finds others; one whose write lost a race may come back and waits for the next run.
    const queue = (await listDuePayouts(Date.now(), batch)).filter(
      (payout) => !seen.has(payout.outNo),
    );
    if (queue.length === 0) return report;
    for (const payout of queue) seen.add(payout.outNo);
    const worker = async (): Promise<void> => {
      for (let payout = queue.shift(); payout; payout = queue.shift()) {
        if (Date.now() > deadline) {
          report.more = true;
          return;
        }
        report.examined += 1;
        try {
          const after = await reconcile(payout);
          if (after.state !== payout.state) report.moved += 1;
        } catch (error) {
          report.errors += 1;
          console.error(`[reward] reconciling payout ${payout.outNo} failed`, error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (report.more) return report;
  }
}
