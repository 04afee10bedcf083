/**
 * Reward campaigns.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { AmountRule } from '../../cloudfunctions/core/domain/amount.js';
import type {
  CampaignDefinition,
  CampaignLimits,
  CampaignStatus,
  ProviderSettings,
} from '../../cloudfunctions/core/domain/campaign.js';

// ---------------------------------------------------------------------------------------------
// Reward campaigns

// The campaign's shapes are the domain's (core/domain/campaign.ts, amount.ts), declared once;
// the console's fields differ only where JSON does: ISO times, and limits without perCode.
export type CampaignStatusKind = CampaignStatus;
export type AmountRuleInput = AmountRule;
export type CampaignPayoutSettings = ProviderSettings;

/** What a marketer sets on a campaign. */
export interface CampaignFields extends Omit<
  CampaignDefinition,
  'startAt' | 'endAt' | 'allowTypedCodes' | 'limits'
> {
  /** ISO 8601; claims count from startAt inclusive to endAt exclusive. */
  startAt: string;
  endAt: string;
  /** False when absent (see CampaignDefinition.allowTypedCodes). */
  allowTypedCodes?: boolean;
  /** One reward per code always; these are per user. */
  limits: Omit<CampaignLimits, 'perCode'>;
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
