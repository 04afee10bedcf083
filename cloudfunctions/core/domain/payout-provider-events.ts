/**
 * What WeChat Pay's answers mean for a payout: a send, query or callback reply becomes a
 * PayoutEvent for the state machine (payout.ts), or `null` for "nothing new yet: keep the state,
 * query later"; and what WeChat Pay says it booked is held against what we booked. Pure rules,
 * no I/O: the clients (wechat/pay/) make the calls, rewards/providers.ts hands the replies here.
 */
import type { PayoutEvent } from './payout.js';

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
// v2 red envelopes

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

// ---------------------------------------------------------------------------------------------
// v3 transfers

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
