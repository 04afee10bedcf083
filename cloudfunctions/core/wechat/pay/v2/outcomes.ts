/**
 * What a sendminiprogramhb reply means for the payout, as a pure table (the red-envelope error
 * codes WeChat Pay documents). The rule behind every row: a billno is the idempotency key, so
 * whenever an envelope *may* exist under it we never give it up (retry it or query it); only a
 * definite "nothing issued" lets the caller release the budget.
 */

export type RedPacketOutcomeKind =
  /** Issued: hand `package` to wx.sendBizRedPacket. */
  | 'sent'
  /** Result unknown, nothing decided: send again with the same billno and identical parameters. */
  | 'retry-same-billno'
  /** An envelope may exist: query gethbinfo with this billno before doing anything else. */
  | 'reconcile'
  /** WeChat Pay issued nothing under this billno for this request. */
  | 'not-sent';

export type RedPacketCause =
  | 'system'
  | 'processing'
  | 'params-conflict'
  | 'billno-expired'
  | 'send-failed'
  | 'merchant-balance'
  | 'user-daily-count'
  | 'rate-limit'
  | 'merchant-cap'
  | 'amount'
  | 'risk-control'
  | 'certificate'
  | 'signature'
  | 'request'
  | 'openid'
  | 'appid'
  | 'transport'
  | 'unknown';

export interface RedPacketOutcome {
  kind: RedPacketOutcomeKind;
  /** WeChat's err_code (or SUCCESS, TRANSPORT, RETURN_FAIL, MALFORMED_REPLY), for logs and records. */
  code: string;
  cause?: RedPacketCause;
  /** not-sent only: the same request may succeed later (after a top-up, a back-off, tomorrow). */
  retryLater: boolean;
  /** Only a person can fix this (money, certificates, keys, merchant settings, our own bug). */
  operatorAction: boolean;
  /** For the user, in Chinese: no internals. */
  message: string;
}

interface Row {
  kind: RedPacketOutcomeKind;
  cause: RedPacketCause;
  retryLater: boolean;
  operatorAction: boolean;
  message: string;
}

const BUSY = '红包发放繁忙，请稍后再试';
const CONTACT = '红包暂时无法发放，请联系商家';

/** Every err_code the fact sheet documents, with its disposition. */
export const RED_PACKET_ERROR_TABLE: Readonly<Record<string, Row>> = {
  // Result unknown: WeChat guarantees at most one envelope per billno, so resending is safe.
  SYSTEMERROR: row('retry-same-billno', 'system', false, false, BUSY),
  // Accepted and still running: only gethbinfo (after ~20 min) says how it ended.
  PROCESSING: row('reconcile', 'processing', false, false, '红包正在发放中，请稍后查看'),
  // The billno was used before with other parameters: that earlier request may have paid, so
  // this is a bug to fix *and* a billno to query, never a release of budget.
  FATAL_ERROR: row('reconcile', 'params-conflict', false, true, CONTACT),
  SEND_FAILED: row('not-sent', 'send-failed', false, false, '红包发放失败，请稍后重试'),
  NOTENOUGH: row('not-sent', 'merchant-balance', true, true, '活动太火爆，红包暂时发完了'),
  SENDNUM_LIMIT: row('not-sent', 'user-daily-count', true, false, '你今天领取的红包已达上限'),
  FREQ_LIMIT: row('not-sent', 'rate-limit', true, false, BUSY),
  SECOND_OVER_LIMITED: row('not-sent', 'rate-limit', true, false, BUSY),
  DAY_OVER_LIMITED: row('not-sent', 'merchant-cap', true, true, '今日红包已发完，请明天再来'),
  MONEY_LIMIT: row('not-sent', 'amount', false, true, CONTACT),
  NO_AUTH: row('not-sent', 'risk-control', false, false, '当前账号暂不能领取红包'),
  CA_ERROR: row('not-sent', 'certificate', false, true, CONTACT),
  SIGN_ERROR: row('not-sent', 'signature', false, true, CONTACT),
  XML_ERROR: row('not-sent', 'request', false, true, CONTACT),
  PARAM_ERROR: row('not-sent', 'request', false, true, CONTACT),
  OPENID_ERROR: row('not-sent', 'openid', false, false, '无法向当前微信账号发放红包'),
  ILLEGAL_APPID: row('not-sent', 'appid', false, true, CONTACT),
};

function row(
  kind: RedPacketOutcomeKind,
  cause: RedPacketCause,
  retryLater: boolean,
  operatorAction: boolean,
  message: string,
): Row {
  return { kind, cause, retryLater, operatorAction, message };
}

/** err_code values that mean no error (see classifySendReply). */
export const SUCCESS_CODES: ReadonlySet<string> = new Set(['SUCCESS', '0']);

export interface SendReply {
  return_code?: string;
  return_msg?: string;
  result_code?: string;
  err_code?: string;
  err_code_des?: string;
  package?: string;
}

/**
 * Classifies a parsed sendminiprogramhb reply. err_code decides when present, whatever
 * return_code says (WeChat sends business errors with return_code FAIL too). Anything not in the
 * table — a new code, a FAIL without err_code, SUCCESS without `package` — is reconciled, never
 * treated as not sent.
 */
export function classifySendReply(reply: SendReply): RedPacketOutcome {
  const rawCode = reply.err_code?.trim().toUpperCase().replace(/\s+/g, '');
  // WeChat's own success example carries err_code SUCCESS (发放成功); the cash-envelope example
  // it shares its tables with carries `0`. Which one production sends is UNVERIFIED: both say
  // "no error" (sendminiprogramhb's 返回示例).
  const errCode = rawCode && !SUCCESS_CODES.has(rawCode) ? rawCode : undefined;
  if (reply.return_code === 'SUCCESS' && reply.result_code === 'SUCCESS' && !errCode) {
    if (reply.package) {
      return {
        kind: 'sent',
        code: 'SUCCESS',
        retryLater: false,
        operatorAction: false,
        message: '',
      };
    }
    return reconcile('MALFORMED_REPLY', 'unknown', true);
  }
  if (errCode) {
    // Community-reported text for a billno older than ~24 h; no err_code of its own is known.
    if (/更换商户单号|已经过期|已过期/.test(reply.err_code_des ?? '')) {
      return reconcile(errCode, 'billno-expired', false);
    }
    const known = RED_PACKET_ERROR_TABLE[errCode];
    if (known) {
      return {
        kind: known.kind,
        code: errCode,
        cause: known.cause,
        retryLater: known.retryLater,
        operatorAction: known.operatorAction,
        message: known.message,
      };
    }
    return reconcile(errCode, 'unknown', true);
  }
  return reconcile(
    reply.return_code === 'FAIL' ? 'RETURN_FAIL' : 'MALFORMED_REPLY',
    'unknown',
    true,
  );
}

/** A timeout, broken connection, HTTP error or unparsable reply: the request may have landed. */
export function transportOutcome(code: 'TRANSPORT' | 'MALFORMED_REPLY'): RedPacketOutcome {
  return code === 'TRANSPORT'
    ? {
        kind: 'retry-same-billno',
        code,
        cause: 'transport',
        retryLater: false,
        operatorAction: false,
        message: BUSY,
      }
    : reconcile(code, 'unknown', true);
}

function reconcile(code: string, cause: RedPacketCause, operatorAction: boolean): RedPacketOutcome {
  return {
    kind: 'reconcile',
    code,
    cause,
    retryLater: false,
    operatorAction,
    message: '红包正在确认中，请稍后查看',
  };
}

/** gethbinfo `status` (sic `RFUND_ING`), with whether the envelope can still change. */
export type RedPacketStatus = 'SENDING' | 'SENT' | 'FAILED' | 'RECEIVED' | 'RFUND_ING' | 'REFUND';

const TERMINAL: ReadonlySet<string> = new Set(['FAILED', 'RECEIVED', 'REFUND']);
const KNOWN_STATUSES: ReadonlySet<string> = new Set([
  'SENDING',
  'SENT',
  'FAILED',
  'RECEIVED',
  'RFUND_ING',
  'REFUND',
]);

export function isRedPacketStatus(value: string): value is RedPacketStatus {
  return KNOWN_STATUSES.has(value);
}

/** FAILED, RECEIVED and REFUND never change again; SENDING, SENT and RFUND_ING still may. */
export function isTerminalRedPacketStatus(status: RedPacketStatus): boolean {
  return TERMINAL.has(status);
}
