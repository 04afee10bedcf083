/**
 * One reward payout's state machine. Pure rules, no I/O: the `reward` function and the scheduler
 * read a payout, ask here, then write the move with a conditional update on `state`. Its
 * neighbours: the out-number (payout-bill-numbers.ts), how provider answers become events
 * (payout-provider-events.ts) and when reconciliation looks again (payout-reconciliation.ts).
 *
 *   reserved ─send─▶ sending ─issued─▶ sent ─awaiting_user─▶ waiting_user ─received─▶ received
 *                      sending ──outcome_unknown──▶ unknown   (a query then moves it like sending)
 *   sending | unknown ──rejected──▶ reserved      (nothing was created; send the same number again)
 *   any non-terminal but failed ──failed──▶ failed ──release──▶ budget_released
 *   sending | unknown | sent ──received──▶ received   (a provider may skip the steps between)
 *
 *   reserved        budget held, nothing sent yet (or the provider refused the request without
 *                   creating anything: the same out-number may be sent again).
 *   sending         the request is out; written before the call so a crash leaves a trace.
 *   sent            the provider holds it: a v2 envelope waiting to be opened, a v3 bill ACCEPTED
 *                   or PROCESSING.
 *   waiting_user    v3 WAIT_USER_CONFIRM (and TRANSFERING, whose confirm page may be reopened).
 *   received        paid. Terminal.
 *   failed          definitely not paid; its budget is still held until `release` is written.
 *                   Two steps so a crash between them leaves a visible `failed`, never lost money.
 *   budget_released the budget came back to the campaign. Terminal.
 *   unknown         we cannot tell (timeout, SYSTEMERROR, 5xx): only a provider query settles it.
 *
 * A repeated or stale observation (a callback delivered twice, a query answering ACCEPTED after
 * the callback said WAIT_USER_CONFIRM) is accepted and changes nothing; only contradictions are
 * illegal (e.g. `received` after `budget_released`, which means money left after we gave the
 * budget back: an operator must look).
 *
 * The payout's provider and state are declared here and nowhere else: the contract
 * (typings/reward.ts) re-exports them for the Mini Program as PayoutProviderKind and
 * PayoutStateKind. This module therefore imports nothing, so the Mini Program's type check can
 * read it.
 */

/** Which WeChat Pay product pays: v2 Mini Program red envelopes or v3 商家转账. */
export type PayoutProvider = 'v2-redpacket' | 'v3-transfer';

/** Where a payout stands. */
export type PayoutState =
  | 'reserved'
  | 'sending'
  | 'sent'
  | 'waiting_user'
  | 'received'
  | 'failed'
  | 'budget_released'
  | 'unknown';

export const PAYOUT_STATES: readonly PayoutState[] = [
  'reserved',
  'sending',
  'sent',
  'waiting_user',
  'received',
  'failed',
  'budget_released',
  'unknown',
];

/** Chinese names for operators' pages and error messages. */
export const PAYOUT_STATE_LABELS: Readonly<Record<PayoutState, string>> = {
  reserved: '已预留',
  sending: '发放中',
  sent: '已发出',
  waiting_user: '待用户确认',
  received: '已领取',
  failed: '发放失败',
  budget_released: '已退回预算',
  unknown: '结果待查',
};

/**
 * The same states as the claimant reads them on the reward card: what happened to *their*
 * reward, not the books (an operator's 已退回预算 means nothing to a consumer).
 */
export const CLAIMANT_STATE_LABELS: Readonly<Record<PayoutState, string>> = {
  reserved: '发放中',
  sending: '发放中',
  sent: '待领取',
  waiting_user: '待确认收款',
  received: '已领取',
  failed: '未能发放',
  budget_released: '已失效',
  unknown: '发放中',
};

export type PayoutEvent =
  /** The provider call is about to be made. */
  | { type: 'send' }
  /** The provider holds the payout (v2 SUCCESS / SENT; v3 ACCEPTED / PROCESSING). */
  | { type: 'issued'; providerRef?: string }
  /** The user must act (v3 WAIT_USER_CONFIRM / TRANSFERING). */
  | { type: 'awaiting_user'; providerRef?: string }
  /** The money reached the user (v2 RECEIVED; v3 SUCCESS). */
  | { type: 'received'; providerRef?: string }
  /** Refused before anything was created; the same out-number may be sent again later. */
  | { type: 'rejected'; code: string; detail?: string }
  /** Definitely not paid and never will be under this out-number. */
  | { type: 'failed'; code: string; detail?: string }
  /** The outcome is not known; a query must settle it. */
  | { type: 'outcome_unknown'; code: string; detail?: string }
  /** The held budget went back to the campaign. */
  | { type: 'release' };

export type PayoutEventType = PayoutEvent['type'];

export interface LedgerEntry {
  from: PayoutState;
  to: PayoutState;
  event: PayoutEventType;
  /** Epoch ms. */
  at: number;
  /** Provider code, reference and message, for people reading the ledger. */
  detail?: string;
}

export interface IllegalTransition {
  code: 'ILLEGAL_TRANSITION';
  from: PayoutState;
  event: PayoutEventType;
  message: string;
}

export type TransitionResult =
  /** `entry` is null when the event restates what is already known: write nothing. */
  | { ok: true; state: PayoutState; entry: LedgerEntry | null }
  | { ok: false; error: IllegalTransition };

interface Move {
  to: PayoutState;
  /** States the event moves from. */
  from: readonly PayoutState[];
  /** States where the event is old news: accepted, nothing written. */
  unchangedIn: readonly PayoutState[];
}

const MOVES: Readonly<Record<PayoutEventType, Move>> = {
  send: { to: 'sending', from: ['reserved'], unchangedIn: [] },
  // From failed as well (and received below): a failure read from a send reply after an unknown
  // outcome is confirmed by query before release, and the query may find the payout alive.
  issued: {
    to: 'sent',
    from: ['sending', 'unknown', 'failed'],
    unchangedIn: ['sent', 'waiting_user'],
  },
  awaiting_user: {
    to: 'waiting_user',
    from: ['sending', 'unknown', 'sent', 'failed'],
    unchangedIn: ['waiting_user'],
  },
  received: {
    to: 'received',
    // From failed too: a failure read from a send reply may be contradicted by the query that
    // must follow an unknown outcome; the budget is still held, so the books stay right.
    from: ['sending', 'unknown', 'sent', 'waiting_user', 'failed'],
    unchangedIn: ['received'],
  },
  rejected: { to: 'reserved', from: ['sending', 'unknown'], unchangedIn: [] },
  failed: {
    to: 'failed',
    // From reserved: a payout abandoned before any provider took it.
    from: ['reserved', 'sending', 'unknown', 'sent', 'waiting_user'],
    unchangedIn: ['failed', 'budget_released'],
  },
  outcome_unknown: { to: 'unknown', from: ['sending'], unchangedIn: ['unknown'] },
  release: { to: 'budget_released', from: ['failed'], unchangedIn: ['budget_released'] },
};

const EVENT_LABELS: Readonly<Record<PayoutEventType, string>> = {
  send: '发起发放',
  issued: '已发出',
  awaiting_user: '待用户确认',
  received: '已领取',
  rejected: '被拒稍后重发',
  failed: '标记失败',
  outcome_unknown: '结果未知',
  release: '退回预算',
};

export function transition(
  payout: { state: PayoutState },
  event: PayoutEvent,
  at: number,
): TransitionResult {
  const move = MOVES[event.type];
  const from = payout.state;
  if (move.unchangedIn.includes(from)) return { ok: true, state: from, entry: null };
  if (!move.from.includes(from)) {
    return {
      ok: false,
      error: {
        code: 'ILLEGAL_TRANSITION',
        from,
        event: event.type,
        message: `发放记录状态为「${PAYOUT_STATE_LABELS[from]}」，不能「${EVENT_LABELS[event.type]}」`,
      },
    };
  }
  const detail = describeEvent(event);
  const entry: LedgerEntry = {
    from,
    to: move.to,
    event: event.type,
    at,
    ...(detail ? { detail } : {}),
  };
  return { ok: true, state: move.to, entry };
}

function describeEvent(event: PayoutEvent): string | undefined {
  const parts: string[] = [];
  if ('code' in event) parts.push(event.code);
  if ('detail' in event && event.detail) parts.push(event.detail);
  if ('providerRef' in event && event.providerRef) parts.push(`ref=${event.providerRef}`);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** What reconciliation and `transition` need of a stored payout. */
export interface PayoutSnapshot {
  provider: PayoutProvider;
  state: PayoutState;
  /**
   * Epoch ms of the claim that made the payout (the instant its limits counted it in), a claim's
   * few round trips before its reservation.
   */
  createdAt: number;
  /** Epoch ms of the last transition (createdAt until the first). */
  stateSince: number;
  /** Provider queries (or resends) since the last transition that changed nothing. */
  checks: number;
  lastCheckedAt?: number;
  ledger: LedgerEntry[];
  /**
   * Set once the payout's outcome was ever unknown (a timeout, SYSTEMERROR, an unverifiable
   * reply): something may exist under its out-number, so a failure is confirmed by a query
   * before its budget is given back.
   */
  everUnknown?: boolean;
}

/** Whether a payout's outcome was ever unknown (the flag, or an `unknown` in its ledger). */
export function wasEverUnknown(payout: Pick<PayoutSnapshot, 'everUnknown' | 'ledger'>): boolean {
  return payout.everUnknown === true || payout.ledger.some((entry) => entry.to === 'unknown');
}

/**
 * The payout after an event, as the database write should leave it: new state, clock and check
 * count reset, entry appended. Returns the same object when the event changes nothing.
 */
export function applyTransition<T extends PayoutSnapshot>(
  payout: T,
  event: PayoutEvent,
  at: number,
): { ok: true; payout: T; entry: LedgerEntry | null } | { ok: false; error: IllegalTransition } {
  const result = transition(payout, event, at);
  if (!result.ok) return result;
  if (!result.entry) return { ok: true, payout, entry: null };
  const { lastCheckedAt: _dropped, ...rest } = payout;
  const next = {
    ...rest,
    state: result.state,
    stateSince: at,
    checks: 0,
    ledger: [...payout.ledger, result.entry],
  } as T;
  return { ok: true, payout: next, entry: result.entry };
}

/** A query or resend that changed nothing: the next one waits longer. */
export function recordCheck<T extends PayoutSnapshot>(payout: T, at: number): T {
  return { ...payout, checks: payout.checks + 1, lastCheckedAt: at };
}

/** Nothing will ever happen to these again. */
export const TERMINAL_STATES: ReadonlySet<PayoutState> = new Set(['received', 'budget_released']);

export function isTerminal(state: PayoutState): boolean {
  return TERMINAL_STATES.has(state);
}

/**
 * Where the payout's amount stands in the campaign's books: held (reserved, counted against
 * the budget), paid, or returned. Budget remaining = budget − held − paid.
 */
export type BudgetEffect = 'held' | 'paid' | 'returned';

export function budgetEffect(state: PayoutState): BudgetEffect {
  if (state === 'received') return 'paid';
  if (state === 'budget_released') return 'returned';
  return 'held';
}

/** Whether the budget must now be given back (then write `release`). Only a definite failure. */
export function mustReleaseBudget(state: PayoutState): boolean {
  return state === 'failed';
}
