/**
 * Reward campaigns.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */

// ---------------------------------------------------------------------------------------------
// Reward campaigns

export type CampaignStatusKind = 'draft' | 'running' | 'paused' | 'ended';

export type AmountRuleInput =
  | { kind: 'fixed'; fen: number }
  | { kind: 'uniform'; minFen: number; maxFen: number }
  | { kind: 'tiers'; tiers: { fen: number; weight: number }[] };

export type CampaignPayoutSettings =
  | {
      provider: 'v2-redpacket';
      sendName: string;
      wishing: string;
      actName: string;
      remark: string;
      sceneId?: string;
    }
  | {
      provider: 'v3-transfer';
      transferRemark: string;
      reportActivityName: string;
      reportRewardDescription: string;
      userRecvPerception: '现金奖励' | '活动奖励';
    };

/** What a marketer sets on a campaign. */
export interface CampaignFields {
  name: string;
  /** ISO 8601; claims count from startAt inclusive to endAt exclusive. */
  startAt: string;
  endAt: string;
  budgetFen: number;
  amount: AmountRuleInput;
  firstScanOnly: boolean;
  /**
   * Whether a code typed in (not a 一物一码 ticket scan) may claim; false when absent. Anyone who
   * holds the codes (print shop, packer, an export file) could otherwise script claims.
   */
  allowTypedCodes?: boolean;
  amountDisplay: 'shown' | 'hidden-until-opened';
  /**
   * Products (ids from createProduct) and activated ranges, each named
   * `<applicationId>:<codeStart>`.
   */
  targeting: { productIds: string[]; rangeIds: string[] };
  /** One reward per code always; these are per user. */
  limits: { perUserPerDay: number; perUserPerCampaign: number };
  payout: CampaignPayoutSettings;
  risk: {
    openidBlacklist: string[];
    maxClaimsPerIpPerHour: number | null;
    excludeSuspicious: boolean;
  };
}

/** Budget in fen: budgetFen = remainingFen + reservedFen + paidFen at all times. */
export interface CampaignBudgetView {
  budgetFen: number;
  /** Not yet promised to anyone. */
  remainingFen: number;
  /** Held by payouts not yet received or released. */
  reservedFen: number;
  /** Received by users. */
  paidFen: number;
  /**
   * Paid by WeChat Pay after its budget had been given back (an anomaly, see the flagged
   * payouts): spent beyond the budget. Absent when zero.
   */
  overspentFen?: number;
}

export interface CampaignView extends CampaignFields {
  campaignId: string;
  allowTypedCodes: boolean;
  status: CampaignStatusKind;
  budget: CampaignBudgetView;
  createdAt: string;
  updatedAt: string;
}

/** `createCampaign`: a draft (start it with setCampaignStatus). */
export type CreateCampaignRequest = CampaignFields;

/** `updateCampaign`: every field replaced; the provider may change only while a draft. */
export interface UpdateCampaignRequest extends CampaignFields {
  campaignId: string;
}

export interface SetCampaignStatusRequest {
  campaignId: string;
  status: CampaignStatusKind;
}

export interface GetCampaignRequest {
  campaignId: string;
}

export interface ListCampaignsRequest {
  status?: CampaignStatusKind;
  limit?: number;
  offset?: number;
}

export interface CampaignResult {
  campaign: CampaignView;
}

export interface ListCampaignsResult {
  campaigns: CampaignView[];
}
