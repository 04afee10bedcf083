/**
 * Contract of the `reward` cloud function: claiming the cash reward of a scan and asking where it
 * stands. Type-only: the Mini Program imports it with `import type`.
 *
 * Amounts are integer fen; times are ISO 8601 strings.
 */

import type { AmountDisplay } from '../cloudfunctions/core/domain/campaign.js';
import type { PayoutProvider, PayoutState } from '../cloudfunctions/core/domain/payout.js';

// Declared once by the server's state machine (core/domain/payout.ts), named here for the
// Mini Program.
export type PayoutProviderKind = PayoutProvider;
/** Where a payout stands. */
export type PayoutStateKind = PayoutState;

/** The reward offer on the landing page, when a running campaign targets the scanned code. */
export interface RewardOffer {
  campaignId: string;
  name: string;
  amountDisplay: AmountDisplay;
  /** Only when shown: "1.00" for a fixed amount, "0.50–2.00" for a range or tiers (yuan). */
  amountText?: string;
  provider: PayoutProviderKind;
}

/** `reward` / `status`: the scan the reward is claimed for (LandingView.scanId). */
export interface StatusRequest {
  scanId: string;
}

/**
 * `reward` / `claim`: the scan, and the campaign the landing offered (RewardOffer.campaignId).
 * The server decides the campaign itself; the offered one only words a refusal: a campaign paused
 * or ended since the page opened is refused as NOT_RUNNING, not as NOT_TARGETED.
 */
export interface ClaimRequest extends StatusRequest {
  campaignId?: string;
}

/** One payout as its claimant sees it. */
export interface PayoutView {
  campaignId: string;
  campaignName: string;
  provider: PayoutProviderKind;
  amountFen: number;
  /** "1.00" (yuan). */
  amountText: string;
  state: PayoutStateKind;
  /** Chinese label of the state as a consumer reads it, e.g. 待领取, 已领取, 已失效. */
  stateText: string;
  claimedAt: string;
  updatedAt: string;
}

/** `wx.sendBizRedPacket`'s arguments (v2 Mini Program red envelope). */
export interface RedPacketClientParams {
  timeStamp: string;
  nonceStr: string;
  /** URL-encoded, as wx.sendBizRedPacket wants it. */
  package: string;
  signType: 'MD5';
  paySign: string;
}

/** `wx.requestMerchantTransfer`'s arguments (v3 商家转账): `package` is WeChat's package_info. */
export interface TransferClientParams {
  mchId: string;
  appId: string;
  package: string;
}

export type ClientPayParams =
  | { provider: 'v2-redpacket'; params: RedPacketClientParams }
  | { provider: 'v3-transfer'; params: TransferClientParams };

export interface ClaimResult {
  payout: PayoutView;
  /**
   * What the page hands to WeChat to open the envelope or confirm the transfer; null when there is
   * nothing to open (already received, still being sent, or failed — see `payout.state`).
   */
  client: ClientPayParams | null;
}

export interface StatusResult {
  /** Null when no reward was claimed for this scan's code by the caller. */
  payout: PayoutView | null;
}

export interface RewardActions {
  claim: { request: ClaimRequest; response: ClaimResult };
  status: { request: StatusRequest; response: StatusResult };
}

/** Error codes of the reward function besides the common ones. */
export type RewardErrorCode =
  /** No such scan, or it is another user's. */
  | 'SCAN_NOT_FOUND'
  /** The scan is older than the claim window: scan again. */
  | 'SCAN_EXPIRED'
  /** WeChat Pay is not configured for this campaign's provider. */
  | 'PAYOUT_NOT_CONFIGURED'
  /**
   * The claim stalled so long that its budget hold was given back before it locked the code:
   * nothing was paid or kept, and claiming again starts afresh.
   */
  | 'CLAIM_INTERRUPTED'
  | CampaignRefusalCode;

/** Refusals of the campaign rules (core/domain/campaign-eligibility.ts decides them). */
export type CampaignRefusalCode =
  | 'NOT_RUNNING'
  | 'OUTSIDE_WINDOW'
  | 'BLACKLISTED'
  | 'NOT_TARGETED'
  /** A typed code (not a 一物一码 ticket scan) and the campaign does not allow typed codes. */
  | 'TICKET_SCAN_REQUIRED'
  | 'CODE_ALREADY_REWARDED'
  | 'SUSPICIOUS_CODE'
  | 'FIRST_SCAN_ONLY'
  | 'IP_RATE_LIMITED'
  | 'USER_DAILY_LIMIT'
  | 'USER_CAMPAIGN_LIMIT'
  | 'BUDGET_EXHAUSTED';
