/**
 * What a reward campaign is: its definition as a marketer sets it, the campaign as stored, and
 * the status changes an operator may make. Whether a definition can run is
 * campaign-validation.ts's; whether a claim qualifies and which campaign pays is
 * campaign-eligibility.ts's.
 *
 * These shapes are declared here and nowhere else: the contract (typings/admin.ts) builds the
 * console's CampaignFields from them, so this module imports types only (amount.ts) and the
 * Mini Program's type check reads it.
 */
import type { AmountRule } from './amount.js';

export type CampaignStatus = 'draft' | 'running' | 'paused' | 'ended';

/** Whether the landing card shows the amount before the envelope is opened. */
export type AmountDisplay = 'shown' | 'hidden-until-opened';

/** v2 Mini Program red envelope texts (sendminiprogramhb). */
export interface RedPacketSettings {
  provider: 'v2-redpacket';
  sendName: string;
  wishing: string;
  actName: string;
  remark: string;
  /** `scene_id`, e.g. PRODUCT_1 (促销). */
  sceneId?: string;
}

/** v3 商家转账 texts; the transfer scene is 1000 (现金营销). */
export interface TransferSettings {
  provider: 'v3-transfer';
  transferRemark: string;
  /** Scene-1000 report infos: sent as 活动名称 and 奖励说明 (the payee does not see them). */
  reportActivityName: string;
  reportRewardDescription: string;
  /** The only two texts scene 1000 accepts. */
  userRecvPerception: '现金奖励' | '活动奖励';
}

export type ProviderSettings = RedPacketSettings | TransferSettings;

export interface CampaignLimits {
  /** One reward per code, always (the payouts collection's unique code key enforces it). */
  perCode: 1;
  perUserPerDay: number;
  perUserPerCampaign: number;
}

export interface RiskRules {
  /** Openids (Mini Program) that never get a reward. */
  openidBlacklist: string[];
  /** Claims from one client IP per clock hour (China time); null = no limit. */
  maxClaimsPerIpPerHour: number | null;
  /** Refuse codes whose scan verdict is SUSPICIOUS (copied codes). */
  excludeSuspicious: boolean;
}

export interface Targeting {
  /** Every activated code of these products… */
  productIds: string[];
  /** …and every code of these activated ranges (see campaignRangeId). */
  rangeIds: string[];
}

/** How targeting names an activated range: `<applicationId>:<codeStart>`. */
export function campaignRangeId(range: { applicationId: string; codeStart: number }): string {
  return `${range.applicationId}:${range.codeStart}`;
}

export interface CampaignDefinition {
  name: string;
  /** Epoch ms; claims count from startAt inclusive to endAt exclusive. */
  startAt: number;
  endAt: number;
  budgetFen: number;
  amount: AmountRule;
  /** Only the scan that was the code's very first pays. */
  firstScanOnly: boolean;
  /**
   * Whether a code typed in (or read by 扫码验真) may claim. Off by default: anyone who has the
   * codes (print shop, packer, an export file) could script claims and take the buyer's reward;
   * only a 一物一码 `code_ticket` proves a scan of the printed code by this user.
   */
  allowTypedCodes: boolean;
  amountDisplay: AmountDisplay;
  targeting: Targeting;
  limits: CampaignLimits;
  payout: ProviderSettings;
  risk: RiskRules;
}

export interface Campaign extends CampaignDefinition {
  id: string;
  status: CampaignStatus;
  /** Epoch ms; breaks ties when choosing between campaigns. */
  createdAt: number;
}

/** Which status changes an operator may make. `ended` is final: its books get closed. */
export const STATUS_CHANGES: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  draft: ['running', 'ended'],
  running: ['paused', 'ended'],
  paused: ['running', 'ended'],
  ended: [],
};

export function canChangeStatus(from: CampaignStatus, to: CampaignStatus): boolean {
  return STATUS_CHANGES[from].includes(to);
}
