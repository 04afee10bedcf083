/**
 * Reconciliation policy: when the scheduler looks at an unsettled payout again, what it does
 * then (send, query, confirm a failure, give the budget back, abandon), and when operators are
 * told. Pure rules, no I/O: rewards/dispatch.ts and rewards/ledger.ts carry the plan out.
 */
import { isTerminal, wasEverUnknown, type PayoutEvent, type PayoutSnapshot } from './payout.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Wait before the n-th look at a payout since its last change (the last value repeats). Short
 * first (a claim crashed mid-call), 20 min by the third (v2 says query PROCESSING after ~20 min),
 * then every 4 h while a user has a day to open or confirm.
 */
export const CHECK_SCHEDULE_MS: readonly number[] = [
  1 * MINUTE,
  5 * MINUTE,
  20 * MINUTE,
  60 * MINUTE,
  120 * MINUTE,
  240 * MINUTE,
];

/** Unopened v2 envelopes are refunded, unconfirmed v3 bills closed (OVERDUE_CLOSE), after this. */
export const USER_WINDOW_MS = 24 * HOUR;
/** WeChat's refund or close shows up a little after the 24 h: look again this much later. */
export const EXPIRY_GRACE_MS = 15 * MINUTE;
/**
 * A payout still `reserved` this long after it was made is abandoned (failed → budget back).
 * Well inside a day: a v2 billno is refused as expired after about 24 h.
 */
export const RESERVED_GIVE_UP_MS = 20 * HOUR;
/** Not settled this long after reservation: operators are told (querying goes on). */
export const FLAG_AFTER_MS = 48 * HOUR;
/** v3 queries cover 30 days only; after that an operator settles it from the fund bills. */
export const QUERY_HORIZON_MS = 30 * 24 * HOUR;

export type ReconcileAction =
  /** Terminal: nothing to do. */
  | 'none'
  /** `failed`: give the budget back, then write `release`. */
  | 'release-budget'
  /** `failed` after an unknown outcome: query first; release only if the provider agrees. */
  | 'confirm-failure'
  /** `reserved` and due: send again with the stored out-number. */
  | 'send'
  /** `reserved` too long: write `failed` with code ABANDONED. */
  | 'abandon'
  /** Due: query the provider with the stored out-number. */
  | 'query'
  /** Not due yet (or past the query horizon: operators only). */
  | 'wait';

export interface ReconcilePlan {
  action: ReconcileAction;
  /** When to look again (epoch ms); null when there is nothing more to do automatically. */
  nextCheckAt: number | null;
  /** Show this payout to operators: unsettled past FLAG_AFTER_MS. */
  flag: boolean;
}

/** The event `abandon` writes. */
export const ABANDONED: PayoutEvent = {
  type: 'failed',
  code: 'ABANDONED',
  detail: '长时间未能发出，已放弃并退回预算',
};

export function planReconciliation(payout: PayoutSnapshot, now: number): ReconcilePlan {
  const { state } = payout;
  if (isTerminal(state)) return { action: 'none', nextCheckAt: null, flag: false };
  if (state === 'failed') {
    // A failure after an unknown outcome may be wrong (the first request may have paid): ask the
    // provider, and give the budget back only once it confirms.
    if (!wasEverUnknown(payout)) return { action: 'release-budget', nextCheckAt: now, flag: false };
    const due = nextLookAt(payout);
    const flag = now - payout.createdAt >= FLAG_AFTER_MS;
    return {
      action: now >= due || payout.checks === 0 ? 'confirm-failure' : 'wait',
      nextCheckAt: payout.checks === 0 ? now : due,
      flag,
    };
  }

  const age = now - payout.createdAt;
  if (state === 'reserved') {
    if (age >= RESERVED_GIVE_UP_MS) return { action: 'abandon', nextCheckAt: now, flag: false };
    const due = Math.min(nextLookAt(payout), payout.createdAt + RESERVED_GIVE_UP_MS);
    return { action: now >= due ? 'send' : 'wait', nextCheckAt: due, flag: false };
  }

  const flag = age >= FLAG_AFTER_MS;
  if (age >= QUERY_HORIZON_MS) return { action: 'wait', nextCheckAt: null, flag };
  let due = nextLookAt(payout);
  if (awaitsUser(payout)) {
    // Make sure one look lands just after WeChat's 24 h refund / close, not up to 4 h later.
    const expiryLook = payout.stateSince + USER_WINDOW_MS + EXPIRY_GRACE_MS;
    const lastLook = payout.lastCheckedAt ?? payout.stateSince;
    if (lastLook < expiryLook) due = Math.min(due, expiryLook);
  }
  return { action: now >= due ? 'query' : 'wait', nextCheckAt: due, flag };
}

/** A v2 envelope waiting to be opened, or any bill waiting for the user's confirmation. */
function awaitsUser(payout: PayoutSnapshot): boolean {
  return (
    payout.state === 'waiting_user' ||
    (payout.state === 'sent' && payout.provider === 'v2-redpacket')
  );
}

function nextLookAt(payout: PayoutSnapshot): number {
  // A `rejected` send returns the payout to `reserved`, which resets `checks`; counting the
  // rejections keeps a merchant who is out of money from being retried every minute all day.
  const rejections =
    payout.state === 'reserved'
      ? payout.ledger.filter((entry) => entry.event === 'rejected').length
      : 0;
  const attempt = Math.min(payout.checks + rejections, CHECK_SCHEDULE_MS.length - 1);
  const step = CHECK_SCHEDULE_MS[attempt];
  return (payout.lastCheckedAt ?? payout.stateSince) + step;
}
