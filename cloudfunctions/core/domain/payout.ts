/**
 * One reward payout: its state machine, its idempotency key, how provider answers move it, and
 * when reconciliation looks at it again. Pure rules, no I/O: the `reward` function and the
 * scheduler read a payout, ask here, then write the move with a conditional update on `state`.
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
 */
import { createHash } from 'node:crypto';
import type { PayoutProviderKind, PayoutStateKind } from '../../../typings/reward.js';

// The contract (typings/reward.ts) names them for the Mini Program; the rules here give them meaning.
export type PayoutProvider = PayoutProviderKind;
export type PayoutState = PayoutStateKind;

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
  /** Epoch ms the payout was reserved. */
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

// ---------------------------------------------------------------------------------------------
// What WeChat Pay says it booked, held against what we booked

/** The facts a query or callback states about the payment; each is absent when not stated. */
export interface ProviderBooking {
  amountFen?: number;
  openid?: string;
  mchId?: string;
  appid?: string;
}

/**
 * Where WeChat Pay's word differs from the payout (empty: it agrees). A difference means the
 * answer is about some other payment, or our record is wrong: either way it is never applied
 * silently, an operator looks.
 */
export function bookingMismatches(
  payout: { amountFen: number; openid: string; mchId: string; appid: string },
  reported: ProviderBooking,
): string[] {
  const found: string[] = [];
  if (reported.amountFen !== undefined && reported.amountFen !== payout.amountFen)
    found.push(`amount ${reported.amountFen}≠${payout.amountFen}`);
  if (reported.openid !== undefined && reported.openid !== payout.openid) found.push('openid');
  if (reported.mchId !== undefined && reported.mchId !== payout.mchId)
    found.push(`mch_id ${reported.mchId}≠${payout.mchId}`);
  if (reported.appid !== undefined && reported.appid !== payout.appid)
    found.push(`appid ${reported.appid}≠${payout.appid}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Out-numbers (the idempotency key)

/** v2 `mch_billno`: exactly 28 of 0-9a-zA-Z. */
export const V2_BILLNO_PATTERN = /^[0-9A-Za-z]{28}$/;
/** v3 `out_bill_no`: 1–32 of 0-9a-zA-Z. */
export const V3_OUT_BILL_NO_PATTERN = /^[0-9A-Za-z]{1,32}$/;

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** yyyymmdd in China time (UTC+8, no daylight saving), the merchant's calendar. */
export function chinaDate(at: number): string {
  return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * `length` upper-case base-36 characters from SHA-256 of (campaignId, code). Upper case only so
 * the key survives case-insensitive tools (spreadsheets, database collations) in finance's hands.
 * The JSON pair keeps ("a:b", "c") and ("a", "b:c") apart.
 */
export function payoutDigest(campaignId: string, code: string, length: number): string {
  const hex = createHash('sha256')
    .update(JSON.stringify([campaignId, code]))
    .digest('hex');
  return (BigInt(`0x${hex}`) % 36n ** BigInt(length))
    .toString(36)
    .toUpperCase()
    .padStart(length, '0');
}

/**
 * v3 `out_bill_no` = "MS" + 30 base-36 characters (155 bits) of (campaignId, code): the same
 * claim always yields the same number, so a retry can only ever find the first bill.
 */
export function v3OutBillNo(campaignId: string, code: string): string {
  return `MS${payoutDigest(campaignId, code, 30)}`;
}

/**
 * v2 `mch_billno` = mch_id + yyyymmdd (the day the payout was reserved, China time) + the rest
 * of the 28 characters from (campaignId, code). WeChat suggests 10 *digits* there; we use base-36
 * (its charset allows it) because a hash-derived 10-digit number collides within a day at about
 * 100,000 payouts (birthday bound), while 36^10 makes that about one in a million. The date is
 * the reservation's, stored with the payout: a retry reuses the stored number, never recomputes.
 */
export function v2MchBillno(
  mchId: string,
  campaignId: string,
  code: string,
  reservedAt: number,
): string {
  if (!/^\d{1,10}$/.test(mchId)) {
    throw new RangeError('v2MchBillno: mch_id must be 1–10 digits to leave room for the key');
  }
  const date = chinaDate(reservedAt);
  return `${mchId}${date}${payoutDigest(campaignId, code, 28 - mchId.length - date.length)}`;
}

export function outNumber(
  provider: PayoutProvider,
  key: { campaignId: string; code: string; mchId: string; reservedAt: number },
): string {
  return provider === 'v2-redpacket'
    ? v2MchBillno(key.mchId, key.campaignId, key.code, key.reservedAt)
    : v3OutBillNo(key.campaignId, key.code);
}

// ---------------------------------------------------------------------------------------------
// Provider answers → events. `null` means "nothing new yet": keep the state, query later.

/** What a provider call came back with, before any interpretation. */
export type V2Reply =
  | {
      kind: 'response';
      returnCode: string;
      resultCode?: string;
      errCode?: string;
      errCodeDes?: string;
      /** sendminiprogramhb: `send_listid`; gethbinfo: `detail_id`. */
      ref?: string;
      /** gethbinfo only. */
      status?: string;
      /** gethbinfo only: why it failed. */
      reason?: string;
    }
  /**
   * The send reply as the client already classified it (wechat/pay/v2/outcomes.ts): its kind is
   * mapped as it stands, never rebuilt from the code (a PARAM_ERROR saying "该订单已经过期" is
   * *reconcile*, and rebuilding it from PARAM_ERROR alone would read it as failed).
   */
  | { kind: 'outcome'; outcome: V2SendVerdict; ref?: string }
  /** Timeout, connection reset, unparsable XML. */
  | { kind: 'transport'; detail: string };

/** What the v2 client concluded from a send reply (structurally its RedPacketOutcome). */
export interface V2SendVerdict {
  kind: 'sent' | 'retry-same-billno' | 'reconcile' | 'not-sent';
  code: string;
  /** not-sent only: the same request may succeed later. */
  retryLater: boolean;
}

/**
 * v2 err_codes where nothing was created and the same billno may be sent again later: the
 * merchant is short of money or over a rate, or its certificate or key is wrong (an operator
 * fixes it; the frozen request then succeeds unchanged).
 */
export const V2_SEND_LATER = new Set([
  'NOTENOUGH',
  'FREQ_LIMIT',
  'SECOND_OVER_LIMITED',
  'DAY_OVER_LIMITED',
  'CA_ERROR',
  'SIGN_ERROR',
]);

/** v2 err_codes that settle the billno as not paid: resending the same request cannot help. */
export const V2_DEFINITE_FAILURES = new Set([
  'SEND_FAILED',
  'SENDNUM_LIMIT',
  'MONEY_LIMIT',
  'NO_AUTH',
  'PARAM_ERROR',
  'XML_ERROR',
  'OPENID_ERROR',
  'ILLEGAL_APPID',
]);

/**
 * `sendminiprogramhb`. SYSTEMERROR, PROCESSING, FATAL_ERROR (the billno exists with other
 * parameters: something *was* created), any code we do not know and any transport failure are
 * unknown: releasing budget on a guess could pay twice.
 */
export function eventFromV2Send(reply: V2Reply): PayoutEvent {
  if (reply.kind === 'transport') {
    return { type: 'outcome_unknown', code: 'TRANSPORT', detail: reply.detail };
  }
  if (reply.kind === 'outcome') {
    const { outcome } = reply;
    const ref = reply.ref ? { providerRef: reply.ref } : {};
    switch (outcome.kind) {
      case 'sent':
        return { type: 'issued', ...ref };
      case 'not-sent':
        // Nothing was issued; whether the same billno may go again decides rejected vs failed.
        return outcome.retryLater || V2_SEND_LATER.has(outcome.code)
          ? { type: 'rejected', code: outcome.code }
          : { type: 'failed', code: outcome.code };
      case 'retry-same-billno':
      case 'reconcile':
        // An envelope may exist under this billno: only gethbinfo may settle it.
        return { type: 'outcome_unknown', code: outcome.code };
    }
  }
  if (reply.returnCode === 'SUCCESS' && reply.resultCode === 'SUCCESS') {
    return { type: 'issued', ...(reply.ref ? { providerRef: reply.ref } : {}) };
  }
  const code = reply.errCode ?? (reply.returnCode === 'SUCCESS' ? 'UNKNOWN' : 'RETURN_FAIL');
  const detail = reply.errCodeDes;
  const withDetail = detail ? { detail } : {};
  if (reply.returnCode === 'SUCCESS' && V2_SEND_LATER.has(code)) {
    return { type: 'rejected', code, ...withDetail };
  }
  if (reply.returnCode === 'SUCCESS' && V2_DEFINITE_FAILURES.has(code)) {
    return { type: 'failed', code, ...withDetail };
  }
  return { type: 'outcome_unknown', code, ...withDetail };
}

/**
 * `gethbinfo` status → event. SENDING and RFUND_ING (sic) are on their way: wait. REFUND is an
 * envelope nobody opened within 24 h, refunded: a failure that gives the budget back.
 * A `NOT_FOUND` err_code (name UNVERIFIED for this API) means the billno was never created, so
 * the same billno may be sent again.
 */
export function eventFromV2Query(reply: V2Reply): PayoutEvent | null {
  if (reply.kind !== 'response' || reply.returnCode !== 'SUCCESS') return null;
  if (reply.resultCode !== 'SUCCESS') {
    return reply.errCode === 'NOT_FOUND' ? { type: 'rejected', code: 'NOT_FOUND' } : null;
  }
  const ref = reply.ref ? { providerRef: reply.ref } : {};
  switch (reply.status) {
    case 'SENT':
      return { type: 'issued', ...ref };
    case 'RECEIVED':
      return { type: 'received', ...ref };
    case 'FAILED':
      return { type: 'failed', code: 'FAILED', ...(reply.reason ? { detail: reply.reason } : {}) };
    case 'REFUND':
      return { type: 'failed', code: 'REFUND', detail: '红包 24 小时未领取，已退款' };
    default:
      // SENDING, RFUND_ING, or a status we do not know: not settled yet.
      return null;
  }
}

export type V3State =
  | 'ACCEPTED'
  | 'PROCESSING'
  | 'WAIT_USER_CONFIRM'
  | 'TRANSFERING'
  | 'SUCCESS'
  | 'FAIL'
  | 'CANCELING'
  | 'CANCELLED';

/**
 * A v3 bill's `state` (create answer, query or callback) → event. FAIL carries `fail_reason`
 * (OVERDUE_CLOSE: not confirmed within 24 h) as its code; CANCELLED is a failure too. CANCELING
 * is on its way: wait.
 */
export function eventFromV3State(
  state: string,
  extra: { failReason?: string; transferBillNo?: string } = {},
): PayoutEvent | null {
  const ref = extra.transferBillNo ? { providerRef: extra.transferBillNo } : {};
  switch (state as V3State) {
    case 'ACCEPTED':
    case 'PROCESSING':
      return { type: 'issued', ...ref };
    case 'WAIT_USER_CONFIRM':
    case 'TRANSFERING':
      return { type: 'awaiting_user', ...ref };
    case 'SUCCESS':
      return { type: 'received', ...ref };
    case 'FAIL':
      return { type: 'failed', code: extra.failReason ?? 'FAIL' };
    case 'CANCELLED':
      return { type: 'failed', code: 'CANCELLED' };
    default:
      return null;
  }
}

export type V3Reply =
  | {
      kind: 'response';
      httpStatus: number;
      /** 2xx: the bill. */
      state?: string;
      failReason?: string;
      transferBillNo?: string;
      /** Non-2xx: WeChat's error `code` (branch on it, never on `message`). */
      code?: string;
      message?: string;
      /**
       * Non-2xx: whether the error reply carried a valid WeChat Pay signature. False: anyone on
       * the path could have written it, so it decides nothing (absent: not known, as before).
       */
      verified?: boolean;
    }
  | { kind: 'transport'; detail: string };

/**
 * `POST transfer-bills`. 429 and 403 NOT_ENOUGH created nothing and WeChat says retry with the
 * same number; so does a 401 (our signature, fixed by an operator). 400 PARAM_ERROR /
 * INVALID_REQUEST and 403 NO_AUTH refuse the request itself: our parameters are frozen in the
 * payout and the number is ours alone, so the same request cannot succeed later. 5xx, timeouts
 * and anything else are unknown: query first.
 */
export function eventFromV3Create(reply: V3Reply): PayoutEvent {
  if (reply.kind === 'transport') {
    return { type: 'outcome_unknown', code: 'TRANSPORT', detail: reply.detail };
  }
  const detail = reply.message ? { detail: reply.message } : {};
  if (reply.httpStatus >= 200 && reply.httpStatus < 300 && reply.state) {
    return (
      eventFromV3State(reply.state, reply) ?? {
        type: 'outcome_unknown',
        code: `STATE_${reply.state}`,
      }
    );
  }
  const code = reply.code ?? `HTTP_${reply.httpStatus}`;
  // An unsigned or badly signed error could be a proxy's or an attacker's: the bill may exist.
  if (reply.verified === false) {
    return { type: 'outcome_unknown', code: `UNVERIFIED_${code}`, ...detail };
  }
  if (reply.httpStatus === 429 || reply.httpStatus === 401 || code === 'NOT_ENOUGH') {
    return { type: 'rejected', code, ...detail };
  }
  if (reply.httpStatus === 400 || (reply.httpStatus === 403 && code === 'NO_AUTH')) {
    return { type: 'failed', code, ...detail };
  }
  return { type: 'outcome_unknown', code, ...detail };
}

/** `GET …/out-bill-no/{n}`. 404 (UNVERIFIED for this API) = never created: send it again. */
export function eventFromV3Query(reply: V3Reply): PayoutEvent | null {
  if (reply.kind === 'transport') return null;
  if (reply.verified === false && (reply.httpStatus < 200 || reply.httpStatus > 299)) return null;
  if (reply.httpStatus === 404) return { type: 'rejected', code: reply.code ?? 'NOT_FOUND' };
  if (reply.httpStatus >= 200 && reply.httpStatus < 300 && reply.state) {
    return eventFromV3State(reply.state, reply);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Reconciliation policy

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
