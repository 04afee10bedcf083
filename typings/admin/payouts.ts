/**
 * Payouts as operators list them, with their ledger.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { PayoutProviderKind, PayoutStateKind } from '../reward.js';

/** `listPayouts`: a campaign's payouts, those in one state, or those flagged for operators. */
export interface ListPayoutsRequest {
  campaignId?: string;
  state?: PayoutStateKind;
  /** Only payouts still unsettled past their deadline (reconciliation flagged them). */
  flagged?: boolean;
  /** The 9-character code printed on the product: its payout, if any (at most one per code). */
  code?: string;
  limit?: number;
  offset?: number;
}

/** One transition of a payout, as the ledger recorded it. */
export interface PayoutLedgerEntryView {
  from: PayoutStateKind;
  to: PayoutStateKind;
  /** Chinese label of the new state. */
  toText: string;
  at: string;
  /** Provider code, reference and message. */
  detail?: string;
}

export interface PayoutAdminView {
  /** The out-number WeChat Pay knows it by (mch_billno / out_bill_no). */
  outNo: string;
  code: string;
  campaignId: string;
  campaignName: string;
  openid: string;
  provider: PayoutProviderKind;
  amountFen: number;
  state: PayoutStateKind;
  stateText: string;
  createdAt: string;
  updatedAt: string;
  /** Provider queries since the last change. */
  checks: number;
  /** When reconciliation looks next; absent when it will not by itself. */
  nextCheckAt?: string;
  /** When it was flagged for operators, if it was. */
  flaggedAt?: string;
  /** Why, when WeChat Pay's word disagreed with our books (MISMATCH …, PAID_AFTER_RELEASE). */
  flagReason?: string;
  ledger: PayoutLedgerEntryView[];
}

export interface ListPayoutsResult {
  payouts: PayoutAdminView[];
}
