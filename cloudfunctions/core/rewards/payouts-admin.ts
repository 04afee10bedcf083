/**
 * Operators' view of payouts: a campaign's, those in one state, and the ones reconciliation
 * flagged because they are still unsettled past their deadline (domain/payout-reconciliation.ts FLAG_AFTER_MS).
 */
import type {
  ListPayoutsRequest,
  ListPayoutsResult,
  PayoutAdminView,
} from '../../../typings/admin.js';
import { listFlaggedPayouts, listPayouts } from '../data/payout-lists.js';
import type { PayoutRecord } from '../data/payouts.js';
import { checkRawCode } from '../domain/marketcode.js';
import { PAYOUT_STATE_LABELS } from '../domain/payout.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export function payoutAdminView(payout: PayoutRecord): PayoutAdminView {
  return {
    outNo: payout.outNo,
    code: payout.code,
    campaignId: payout.campaignId,
    campaignName: payout.campaignName,
    openid: payout.openid,
    provider: payout.provider,
    amountFen: payout.amountFen,
    state: payout.state,
    stateText: PAYOUT_STATE_LABELS[payout.state],
    createdAt: iso(payout.createdAt),
    updatedAt: iso(payout.stateSince),
    checks: payout.checks,
    ...(payout.dueAt !== undefined ? { nextCheckAt: iso(payout.dueAt) } : {}),
    ...(payout.flaggedAt !== undefined ? { flaggedAt: iso(payout.flaggedAt) } : {}),
    ...(payout.flagReason !== undefined ? { flagReason: payout.flagReason } : {}),
    ledger: payout.ledger.map((entry) => ({
      from: entry.from,
      to: entry.to,
      toText: PAYOUT_STATE_LABELS[entry.to],
      at: iso(entry.at),
      ...(entry.detail ? { detail: entry.detail } : {}),
    })),
  };
}

export async function listPayoutViews(
  request: ListPayoutsRequest & { limit: number; offset: number },
): Promise<ListPayoutsResult> {
  const page = { limit: request.limit, offset: request.offset };
  const scope = {
    ...(request.campaignId ? { campaignId: request.campaignId } : {}),
    ...(request.state ? { state: request.state } : {}),
    ...(request.code !== undefined ? { code: checkRawCode(request.code) } : {}),
  };
  // Flagged: unsettled past the deadline, and any payout whose WeChat Pay answer disagreed with
  // our books (a paid-after-release payout is settled, yet an operator must see it).
  const records = request.flagged
    ? await listFlaggedPayouts(scope, page)
    : await listPayouts(scope, page);
  return { payouts: records.map(payoutAdminView) };
}
