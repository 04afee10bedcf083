/**
 * The payout rules (core/domain/payout*.ts): every state × event of the state machine, the ledger,
 * out-number formats and determinism, provider answers → events, and the reconciliation plan.
 */
import { describe, expect, it } from 'vitest';
import {
  PAYOUT_STATES,
  applyTransition,
  budgetEffect,
  isTerminal,
  mustReleaseBudget,
  recordCheck,
  transition,
  type PayoutEvent,
  type PayoutEventType,
  type PayoutSnapshot,
  type PayoutState,
} from '../../cloudfunctions/core/domain/payout';
import {
  V2_BILLNO_PATTERN,
  V3_OUT_BILL_NO_PATTERN,
  chinaDate,
  outNumber,
  v2MchBillno,
  v3OutBillNo,
} from '../../cloudfunctions/core/domain/payout-bill-numbers';
import {
  eventFromV2Query,
  eventFromV2Send,
  eventFromV3Create,
  eventFromV3Query,
  eventFromV3State,
} from '../../cloudfunctions/core/domain/payout-provider-events';
import {
  ABANDONED,
  CHECK_SCHEDULE_MS,
  EXPIRY_GRACE_MS,
  FLAG_AFTER_MS,
  QUERY_HORIZON_MS,
  RESERVED_GIVE_UP_MS,
  USER_WINDOW_MS,
  planReconciliation,
} from '../../cloudfunctions/core/domain/payout-reconciliation';
import { bookingMismatches } from '../../cloudfunctions/core/domain/payout-provider-events';
import { classifySendReply } from '../../cloudfunctions/core/wechat/pay/v2/outcomes';

const NOW = Date.parse('2025-03-10T12:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const EVENTS: Record<PayoutEventType, PayoutEvent> = {
  send: { type: 'send' },
  issued: { type: 'issued', providerRef: '1000041701201503' },
  awaiting_user: { type: 'awaiting_user' },
  received: { type: 'received' },
  rejected: { type: 'rejected', code: 'NOTENOUGH' },
  failed: { type: 'failed', code: 'SEND_FAILED' },
  outcome_unknown: { type: 'outcome_unknown', code: 'SYSTEMERROR' },
  release: { type: 'release' },
};

/** The whole machine, written out independently of the implementation's table. */
const MOVES: Record<PayoutEventType, Partial<Record<PayoutState, PayoutState | 'unchanged'>>> = {
  send: { reserved: 'sending' },
  // From failed too: a failure read from a send reply after an unknown outcome waits for the
  // query that confirms it, and that query may find the payout alive or paid (issue 9, point 7).
  issued: {
    sending: 'sent',
    unknown: 'sent',
    failed: 'sent',
    sent: 'unchanged',
    waiting_user: 'unchanged',
  },
  awaiting_user: {
    sending: 'waiting_user',
    unknown: 'waiting_user',
    sent: 'waiting_user',
    failed: 'waiting_user',
    waiting_user: 'unchanged',
  },
  received: {
    sending: 'received',
    unknown: 'received',
    sent: 'received',
    waiting_user: 'received',
    failed: 'received',
    received: 'unchanged',
  },
  rejected: { sending: 'reserved', unknown: 'reserved' },
  failed: {
    reserved: 'failed',
    sending: 'failed',
    unknown: 'failed',
    sent: 'failed',
    waiting_user: 'failed',
    failed: 'unchanged',
    budget_released: 'unchanged',
  },
  outcome_unknown: { sending: 'unknown', unknown: 'unchanged' },
  release: { failed: 'budget_released', budget_released: 'unchanged' },
};

function payout(overrides: Partial<PayoutSnapshot> = {}): PayoutSnapshot {
  return {
    provider: 'v3-transfer',
    state: 'reserved',
    createdAt: NOW,
    stateSince: NOW,
    checks: 0,
    ledger: [],
    ...overrides,
  };
}

describe('transition', () => {
  for (const [type, event] of Object.entries(EVENTS) as [PayoutEventType, PayoutEvent][]) {
    for (const from of PAYOUT_STATES) {
      const expected = MOVES[type][from];
      if (expected === undefined) {
        it(`refuses ${type} in ${from}`, () => {
          const result = transition({ state: from }, event, NOW);
          expect(result.ok).toBe(false);
          if (result.ok) return;
          expect(result.error).toMatchObject({ code: 'ILLEGAL_TRANSITION', from, event: type });
          expect(result.error.message).toMatch(/^发放记录状态为「.+」，不能「.+」$/);
        });
      } else if (expected === 'unchanged') {
        it(`takes ${type} in ${from} as old news`, () => {
          expect(transition({ state: from }, event, NOW)).toEqual({
            ok: true,
            state: from,
            entry: null,
          });
        });
      } else {
        it(`moves ${from} → ${expected} on ${type}`, () => {
          const result = transition({ state: from }, event, NOW);
          expect(result).toMatchObject({ ok: true, state: expected });
          if (!result.ok) return;
          expect(result.entry).toMatchObject({ from, to: expected, event: type, at: NOW });
        });
      }
    }
  }

  it('records the provider code, message and reference in the ledger detail', () => {
    const failed = transition(
      { state: 'sending' },
      { type: 'failed', code: 'MONEY_LIMIT', detail: '金额超出限制' },
      NOW,
    );
    expect(failed).toEqual({
      ok: true,
      state: 'failed',
      entry: {
        from: 'sending',
        to: 'failed',
        event: 'failed',
        at: NOW,
        detail: 'MONEY_LIMIT 金额超出限制',
      },
    });
    const issued = transition({ state: 'sending' }, EVENTS.issued, NOW);
    expect(issued.ok && issued.entry?.detail).toBe('ref=1000041701201503');
    const sent = transition({ state: 'reserved' }, EVENTS.send, NOW);
    expect(sent.ok && sent.entry).toEqual({
      from: 'reserved',
      to: 'sending',
      event: 'send',
      at: NOW,
    });
  });

  it('names the states in Chinese when refusing', () => {
    const result = transition({ state: 'budget_released' }, EVENTS.received, NOW);
    expect(!result.ok && result.error.message).toBe('发放记录状态为「已退回预算」，不能「已领取」');
  });
});

describe('applyTransition', () => {
  it('walks a v2 envelope to received, one ledger entry per move', () => {
    let current = payout({ provider: 'v2-redpacket' });
    const steps: [PayoutEvent, number][] = [
      [EVENTS.send, NOW + 1],
      [EVENTS.issued, NOW + 2],
      [EVENTS.received, NOW + 3],
    ];
    for (const [event, at] of steps) {
      const result = applyTransition(current, event, at);
      if (!result.ok) throw new Error(result.error.message);
      current = result.payout;
    }
    expect(current.state).toBe('received');
    expect(current.stateSince).toBe(NOW + 3);
    expect(current.ledger.map((entry) => `${entry.from}>${entry.to}@${entry.at - NOW}`)).toEqual([
      'reserved>sending@1',
      'sending>sent@2',
      'sent>received@3',
    ]);
  });

  it('walks a failed v3 transfer through unknown to budget_released', () => {
    let current = payout();
    for (const event of [
      EVENTS.send,
      EVENTS.outcome_unknown,
      { type: 'awaiting_user' } as const,
      { type: 'failed', code: 'OVERDUE_CLOSE' } as const,
      EVENTS.release,
    ]) {
      const result = applyTransition(current, event, NOW);
      if (!result.ok) throw new Error(result.error.message);
      current = result.payout;
    }
    expect(current.ledger.map((entry) => entry.to)).toEqual([
      'sending',
      'unknown',
      'waiting_user',
      'failed',
      'budget_released',
    ]);
  });

  it('resets the check count and clock on a move, and leaves an unchanged payout alone', () => {
    const checked = recordCheck(recordCheck(payout({ state: 'sent' }), NOW + MINUTE), NOW + HOUR);
    expect(checked).toMatchObject({ checks: 2, lastCheckedAt: NOW + HOUR });
    const moved = applyTransition(checked, EVENTS.received, NOW + 2 * HOUR);
    expect(moved.ok && moved.payout).toMatchObject({
      state: 'received',
      checks: 0,
      stateSince: NOW + 2 * HOUR,
    });
    expect(moved.ok && 'lastCheckedAt' in moved.payout).toBe(false);
    const same = applyTransition(checked, EVENTS.issued, NOW);
    expect(same.ok && same.payout).toBe(checked);
    expect(applyTransition(checked, EVENTS.send, NOW).ok).toBe(false);
  });
});

describe('terminal states and budget', () => {
  it('ends only in received and budget_released', () => {
    expect(PAYOUT_STATES.filter(isTerminal)).toEqual(['received', 'budget_released']);
  });

  it('releases budget only for a definite failure', () => {
    expect(PAYOUT_STATES.filter(mustReleaseBudget)).toEqual(['failed']);
  });

  it('holds the budget until paid or returned', () => {
    expect(Object.fromEntries(PAYOUT_STATES.map((state) => [state, budgetEffect(state)]))).toEqual({
      reserved: 'held',
      sending: 'held',
      sent: 'held',
      waiting_user: 'held',
      received: 'paid',
      failed: 'held',
      budget_released: 'returned',
      unknown: 'held',
    });
  });
});

describe('out-numbers', () => {
  it('makes a v2 mch_billno of mch_id, the China date and a key: 28 characters', () => {
    const billno = v2MchBillno('1900000109', 'camp-1', 'A1B2C3D4E', NOW);
    expect(billno).toMatch(V2_BILLNO_PATTERN);
    expect(billno).toHaveLength(28);
    expect(billno.startsWith('190000010920250310')).toBe(true);
    expect(billno.slice(18)).toMatch(/^[0-9A-Z]{10}$/);
    // A shorter mch_id leaves more room for the key; the total stays 28.
    expect(v2MchBillno('12345678', 'camp-1', 'A1B2C3D4E', NOW)).toHaveLength(28);
  });

  it('dates the v2 billno in China time', () => {
    // 16:30 UTC on the 10th is 00:30 on the 11th in Shanghai.
    expect(chinaDate(Date.parse('2025-03-10T16:30:00Z'))).toBe('20250311');
    expect(chinaDate(Date.parse('2025-03-10T15:59:59Z'))).toBe('20250310');
  });

  it('refuses an mch_id that leaves no room for the key', () => {
    expect(() => v2MchBillno('12345678901', 'c', 'x', NOW)).toThrow(RangeError);
    expect(() => v2MchBillno('19000x0109', 'c', 'x', NOW)).toThrow(RangeError);
  });

  it('makes a v3 out_bill_no of 32 letters and digits', () => {
    const number = v3OutBillNo('camp-1', 'A1B2C3D4E');
    expect(number).toMatch(V3_OUT_BILL_NO_PATTERN);
    expect(number).toMatch(/^MS[0-9A-Z]{30}$/);
  });

  it('is deterministic: the same claim always gets the same number', () => {
    const key = { campaignId: 'camp-1', code: 'A1B2C3D4E', mchId: '1900000109', reservedAt: NOW };
    expect(outNumber('v3-transfer', key)).toBe(outNumber('v3-transfer', { ...key }));
    expect(outNumber('v3-transfer', key)).toBe(v3OutBillNo('camp-1', 'A1B2C3D4E'));
    expect(outNumber('v2-redpacket', key)).toBe(
      outNumber('v2-redpacket', { ...key, reservedAt: NOW + HOUR }),
    );
    expect(outNumber('v2-redpacket', key)).toBe(
      v2MchBillno('1900000109', 'camp-1', 'A1B2C3D4E', NOW),
    );
  });

  it('differs per campaign and per code, without separator ambiguity', () => {
    expect(v3OutBillNo('camp-1', 'A')).not.toBe(v3OutBillNo('camp-2', 'A'));
    expect(v3OutBillNo('camp-1', 'A')).not.toBe(v3OutBillNo('camp-1', 'B'));
    expect(v3OutBillNo('a:b', 'c')).not.toBe(v3OutBillNo('a', 'b:c'));
    const v3 = new Set<string>();
    const v2 = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const code = `C${i.toString().padStart(8, '0')}`;
      v3.add(v3OutBillNo('camp-1', code));
      v2.add(v2MchBillno('1900000109', 'camp-1', code, NOW));
    }
    expect(v3.size).toBe(20_000);
    expect(v2.size).toBe(20_000);
  });
});

describe('v2 answers', () => {
  const ok = { kind: 'response', returnCode: 'SUCCESS' } as const;
  const error = (errCode: string) =>
    eventFromV2Send({ ...ok, resultCode: 'FAIL', errCode, errCodeDes: '说明' });

  it('takes a successful send as issued, with WeChat’s order number', () => {
    expect(eventFromV2Send({ ...ok, resultCode: 'SUCCESS', ref: '1000041701201503' })).toEqual({
      type: 'issued',
      providerRef: '1000041701201503',
    });
  });

  it('keeps the billno for a later send when nothing was created', () => {
    for (const code of [
      'NOTENOUGH',
      'FREQ_LIMIT',
      'SECOND_OVER_LIMITED',
      'DAY_OVER_LIMITED',
      'CA_ERROR',
      'SIGN_ERROR',
    ]) {
      expect(error(code)).toEqual({ type: 'rejected', code, detail: '说明' });
    }
  });

  it('fails the payout on definite refusals', () => {
    for (const code of [
      'SEND_FAILED',
      'SENDNUM_LIMIT',
      'MONEY_LIMIT',
      'NO_AUTH',
      'PARAM_ERROR',
      'XML_ERROR',
      'OPENID_ERROR',
      'ILLEGAL_APPID',
    ]) {
      expect(error(code)).toEqual({ type: 'failed', code, detail: '说明' });
    }
  });

  it('calls SYSTEMERROR, PROCESSING, FATAL_ERROR, new codes and transport failures unknown', () => {
    for (const code of ['SYSTEMERROR', 'PROCESSING', 'FATAL_ERROR', 'SOMETHING_NEW']) {
      expect(error(code)).toEqual({ type: 'outcome_unknown', code, detail: '说明' });
    }
    expect(eventFromV2Send({ kind: 'transport', detail: 'ETIMEDOUT' })).toEqual({
      type: 'outcome_unknown',
      code: 'TRANSPORT',
      detail: 'ETIMEDOUT',
    });
    expect(eventFromV2Send({ kind: 'response', returnCode: 'FAIL' })).toEqual({
      type: 'outcome_unknown',
      code: 'RETURN_FAIL',
    });
    expect(eventFromV2Send({ ...ok, resultCode: 'FAIL' })).toEqual({
      type: 'outcome_unknown',
      code: 'UNKNOWN',
    });
  });

  it('maps every gethbinfo status', () => {
    const query = (status: string, reason?: string) =>
      eventFromV2Query({ ...ok, resultCode: 'SUCCESS', status, reason, ref: 'd1' });
    expect(query('SENDING')).toBeNull();
    expect(query('SENT')).toEqual({ type: 'issued', providerRef: 'd1' });
    expect(query('RECEIVED')).toEqual({ type: 'received', providerRef: 'd1' });
    expect(query('FAILED', '风控')).toEqual({ type: 'failed', code: 'FAILED', detail: '风控' });
    expect(query('RFUND_ING')).toBeNull();
    expect(query('REFUND')).toEqual({
      type: 'failed',
      code: 'REFUND',
      detail: '红包 24 小时未领取，已退款',
    });
    expect(query('WHATEVER')).toBeNull();
  });

  it('sends again after a query that finds nothing, and waits on query errors', () => {
    expect(eventFromV2Query({ ...ok, resultCode: 'FAIL', errCode: 'NOT_FOUND' })).toEqual({
      type: 'rejected',
      code: 'NOT_FOUND',
    });
    expect(eventFromV2Query({ ...ok, resultCode: 'FAIL', errCode: 'SYSTEMERROR' })).toBeNull();
    expect(eventFromV2Query({ kind: 'response', returnCode: 'FAIL' })).toBeNull();
    expect(eventFromV2Query({ kind: 'transport', detail: 'ECONNRESET' })).toBeNull();
  });
});

describe('v3 answers', () => {
  it('maps every bill state', () => {
    const ref = { transferBillNo: '1330000071100999991182020050700019480001' };
    const providerRef = ref.transferBillNo;
    expect(eventFromV3State('ACCEPTED', ref)).toEqual({ type: 'issued', providerRef });
    expect(eventFromV3State('PROCESSING', ref)).toEqual({ type: 'issued', providerRef });
    expect(eventFromV3State('WAIT_USER_CONFIRM', ref)).toEqual({
      type: 'awaiting_user',
      providerRef,
    });
    expect(eventFromV3State('TRANSFERING', ref)).toEqual({ type: 'awaiting_user', providerRef });
    expect(eventFromV3State('SUCCESS', ref)).toEqual({ type: 'received', providerRef });
    expect(eventFromV3State('FAIL', { failReason: 'OVERDUE_CLOSE' })).toEqual({
      type: 'failed',
      code: 'OVERDUE_CLOSE',
    });
    expect(eventFromV3State('FAIL')).toEqual({ type: 'failed', code: 'FAIL' });
    expect(eventFromV3State('CANCELING')).toBeNull();
    expect(eventFromV3State('CANCELLED')).toEqual({ type: 'failed', code: 'CANCELLED' });
    expect(eventFromV3State('NEW_STATE')).toBeNull();
  });

  it('classifies create answers by what they mean for the same out_bill_no', () => {
    const create = (httpStatus: number, code?: string, state?: string) =>
      eventFromV3Create({ kind: 'response', httpStatus, code, state, message: 'm' });
    expect(create(200, undefined, 'WAIT_USER_CONFIRM')).toMatchObject({ type: 'awaiting_user' });
    expect(create(200, undefined, 'ACCEPTED')).toMatchObject({ type: 'issued' });
    expect(create(200, undefined, 'CANCELING')).toMatchObject({
      type: 'outcome_unknown',
      code: 'STATE_CANCELING',
    });
    expect(create(429, 'FREQUENCY_LIMITED')).toMatchObject({ type: 'rejected' });
    expect(create(403, 'NOT_ENOUGH')).toMatchObject({ type: 'rejected', code: 'NOT_ENOUGH' });
    expect(create(401, 'SIGN_ERROR')).toMatchObject({ type: 'rejected' });
    expect(create(400, 'PARAM_ERROR')).toEqual({
      type: 'failed',
      code: 'PARAM_ERROR',
      detail: 'm',
    });
    expect(create(400, 'INVALID_REQUEST')).toMatchObject({ type: 'failed' });
    expect(create(403, 'NO_AUTH')).toMatchObject({ type: 'failed' });
    expect(create(500, 'SYSTEM_ERROR')).toMatchObject({ type: 'outcome_unknown' });
    expect(create(502)).toMatchObject({ type: 'outcome_unknown', code: 'HTTP_502' });
    expect(eventFromV3Create({ kind: 'transport', detail: 'timeout' })).toMatchObject({
      type: 'outcome_unknown',
      code: 'TRANSPORT',
    });
  });

  it('reads queries: a state, nothing found, or nothing new', () => {
    expect(eventFromV3Query({ kind: 'response', httpStatus: 200, state: 'SUCCESS' })).toEqual({
      type: 'received',
    });
    expect(eventFromV3Query({ kind: 'response', httpStatus: 404, code: 'NOT_FOUND' })).toEqual({
      type: 'rejected',
      code: 'NOT_FOUND',
    });
    expect(eventFromV3Query({ kind: 'response', httpStatus: 500 })).toBeNull();
    expect(eventFromV3Query({ kind: 'transport', detail: 'timeout' })).toBeNull();
  });
});

describe('planReconciliation', () => {
  it('leaves terminal payouts alone and releases failed ones at once', () => {
    for (const state of ['received', 'budget_released'] as const) {
      expect(planReconciliation(payout({ state }), NOW + 100 * HOUR)).toEqual({
        action: 'none',
        nextCheckAt: null,
        flag: false,
      });
    }
    expect(planReconciliation(payout({ state: 'failed' }), NOW + MINUTE)).toEqual({
      action: 'release-budget',
      nextCheckAt: NOW + MINUTE,
      flag: false,
    });
  });

  it('queries a non-terminal payout on the backoff schedule', () => {
    let current = payout({ state: 'sending' });
    let at = NOW;
    for (const step of CHECK_SCHEDULE_MS) {
      expect(planReconciliation(current, at + step - 1)).toMatchObject({
        action: 'wait',
        nextCheckAt: at + step,
      });
      expect(planReconciliation(current, at + step)).toMatchObject({ action: 'query' });
      at += step;
      current = recordCheck(current, at);
    }
    // The last interval repeats.
    expect(planReconciliation(current, at)).toMatchObject({ nextCheckAt: at + 240 * MINUTE });
    expect(CHECK_SCHEDULE_MS.map((ms) => ms / MINUTE)).toEqual([1, 5, 20, 60, 120, 240]);
  });

  it('sends a reserved payout again when due, and abandons it after the give-up time', () => {
    const reserved = payout({ state: 'reserved' });
    expect(planReconciliation(reserved, NOW + 30_000)).toMatchObject({ action: 'wait' });
    expect(planReconciliation(reserved, NOW + MINUTE)).toMatchObject({ action: 'send' });
    const late = recordCheck(reserved, NOW + RESERVED_GIVE_UP_MS - MINUTE);
    expect(planReconciliation(late, NOW + RESERVED_GIVE_UP_MS - 1)).toMatchObject({
      action: 'wait',
      nextCheckAt: NOW + RESERVED_GIVE_UP_MS,
    });
    expect(planReconciliation(late, NOW + RESERVED_GIVE_UP_MS)).toMatchObject({
      action: 'abandon',
    });
    expect(ABANDONED).toMatchObject({ type: 'failed', code: 'ABANDONED' });
    expect(transition({ state: 'reserved' }, ABANDONED, NOW).ok).toBe(true);
  });

  it('backs off a payout the provider keeps rejecting, though each rejection resets checks', () => {
    let current = payout({ state: 'reserved' });
    let at = NOW;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const plan = planReconciliation(current, at);
      waits.push((plan.nextCheckAt! - current.stateSince) / MINUTE);
      at = plan.nextCheckAt!;
      for (const event of [EVENTS.send, EVENTS.rejected]) {
        const result = applyTransition(current, event, at);
        if (!result.ok) throw new Error(result.error.message);
        current = result.payout;
      }
    }
    expect(waits).toEqual([1, 5, 20, 60, 120, 240, 240]);
  });

  it('looks right after the 24 h refund of an unopened v2 envelope', () => {
    const expiryLook = NOW + USER_WINDOW_MS + EXPIRY_GRACE_MS;
    // Checked at 22 h with the 4 h interval: the next look would be 26 h, pulled in to 24 h 15 min.
    const sent = payout({
      provider: 'v2-redpacket',
      state: 'sent',
      checks: 10,
      lastCheckedAt: NOW + 22 * HOUR,
    });
    expect(planReconciliation(sent, NOW + 23 * HOUR)).toEqual({
      action: 'wait',
      nextCheckAt: expiryLook,
      flag: false,
    });
    expect(planReconciliation(sent, expiryLook)).toMatchObject({ action: 'query' });
    // Once looked at after the expiry, back to the plain schedule.
    const after = recordCheck(sent, expiryLook);
    expect(planReconciliation(after, expiryLook)).toMatchObject({
      nextCheckAt: expiryLook + 240 * MINUTE,
    });
  });

  it('does the same for a v3 bill waiting for confirmation (OVERDUE_CLOSE), not for v3 sent', () => {
    const base = { checks: 10, lastCheckedAt: NOW + 22 * HOUR };
    const waiting = payout({ ...base, state: 'waiting_user' });
    expect(planReconciliation(waiting, NOW).nextCheckAt).toBe(
      NOW + USER_WINDOW_MS + EXPIRY_GRACE_MS,
    );
    const accepted = payout({ ...base, state: 'sent' });
    expect(planReconciliation(accepted, NOW).nextCheckAt).toBe(NOW + 26 * HOUR);
  });

  it('flags payouts unsettled past the deadline, and stops querying past the horizon', () => {
    const stuck = payout({
      state: 'unknown',
      lastCheckedAt: NOW + FLAG_AFTER_MS - HOUR,
      checks: 9,
    });
    expect(planReconciliation(stuck, NOW + FLAG_AFTER_MS - 1).flag).toBe(false);
    expect(planReconciliation(stuck, NOW + FLAG_AFTER_MS)).toMatchObject({ flag: true });
    expect(planReconciliation(stuck, NOW + QUERY_HORIZON_MS)).toEqual({
      action: 'wait',
      nextCheckAt: null,
      flag: true,
    });
  });
});

describe('unknown is never failed (issue 9, point 7)', () => {
  it('maps the client’s own verdict on a v2 send, so an "expired billno" reply is queried', () => {
    const expired = classifySendReply({
      return_code: 'SUCCESS',
      result_code: 'FAIL',
      err_code: 'PARAM_ERROR',
      err_code_des: '该订单已经过期,请更换商户单号',
    });
    expect(eventFromV2Send({ kind: 'outcome', outcome: expired })).toMatchObject({
      type: 'outcome_unknown',
    });
    const notEnough = classifySendReply({ return_code: 'SUCCESS', err_code: 'NOTENOUGH' });
    expect(eventFromV2Send({ kind: 'outcome', outcome: notEnough }).type).toBe('rejected');
    const sendFailed = classifySendReply({ return_code: 'SUCCESS', err_code: 'SEND_FAILED' });
    expect(eventFromV2Send({ kind: 'outcome', outcome: sendFailed }).type).toBe('failed');
  });

  it('lets no unsigned v3 error decide a payout', () => {
    const forged = {
      kind: 'response',
      httpStatus: 400,
      code: 'PARAM_ERROR',
      verified: false,
    } as const;
    expect(eventFromV3Create(forged).type).toBe('outcome_unknown');
    expect(eventFromV3Create({ ...forged, verified: true }).type).toBe('failed');
    expect(eventFromV3Query({ ...forged, httpStatus: 404, code: 'NOT_FOUND' })).toBeNull();
  });

  it('queries a failed payout that was ever unknown before giving its budget back', () => {
    const now = 1_800_000_000_000;
    const failed = {
      provider: 'v2-redpacket' as const,
      state: 'failed' as const,
      createdAt: now - 60_000,
      stateSince: now - 1_000,
      checks: 0,
      ledger: [],
    };
    expect(planReconciliation(failed, now).action).toBe('release-budget');
    expect(planReconciliation({ ...failed, everUnknown: true }, now).action).toBe(
      'confirm-failure',
    );
    expect(
      planReconciliation(
        {
          ...failed,
          ledger: [{ from: 'sending', to: 'unknown', event: 'outcome_unknown', at: now - 5_000 }],
        },
        now,
      ).action,
    ).toBe('confirm-failure');
  });
});

describe('WeChat Pay’s word against our books (issue 9, point 8)', () => {
  const payout = { amountFen: 100, openid: 'o-a', mchId: '1900000109', appid: 'wx-mp' };
  it('names every difference and nothing else', () => {
    expect(bookingMismatches(payout, { amountFen: 100, openid: 'o-a' })).toEqual([]);
    expect(
      bookingMismatches(payout, { amountFen: 200, openid: 'o-b', mchId: '1', appid: 'wx-x' }),
    ).toEqual(['amount 200≠100', 'openid', 'mch_id 1≠1900000109', 'appid wx-x≠wx-mp']);
  });
});
