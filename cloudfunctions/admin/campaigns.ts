/**
 * Reward campaigns.
 *
 * Actions of the `admin` function on this subject: their input schemas, handlers and audit
 * notes. index.ts wires every subject into the one handler.
 */
import { z } from 'zod';
import { readAction, writeAction } from '../core/auth/admin-actions.js';
import {
  createCampaign,
  getCampaign,
  listCampaigns,
  setCampaignStatus,
  updateCampaign,
} from '../core/rewards/campaigns.js';
import type { AmountRule } from '../core/domain/amount.js';
import type {
  CampaignStatus,
  ProviderSettings,
  RiskRules,
  Targeting,
} from '../core/domain/campaign.js';
import { page, productId, campaignId } from './fields.js';

// Campaign shapes; what makes a campaign runnable (amount ranges per provider, text lengths,
// limits) is validateCampaign's, which answers in Chinese with the field it is about.
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const campaignStatus = z.enum([
  'draft',
  'running',
  'paused',
  'ended',
]) satisfies z.ZodType<CampaignStatus>;

const campaignFields = {
  name: z.string().max(64),
  startAt: z.iso.datetime({ offset: true }),
  endAt: z.iso.datetime({ offset: true }),
  budgetFen: fen,
  amount: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('fixed'), fen }),
    z.object({ kind: z.literal('uniform'), minFen: fen, maxFen: fen }),
    z.object({
      kind: z.literal('tiers'),
      tiers: z.array(z.object({ fen, weight: z.number().int().min(0) })).max(20),
    }),
  ]) satisfies z.ZodType<AmountRule>,
  firstScanOnly: z.boolean(),
  allowTypedCodes: z.boolean().optional(),
  amountDisplay: z.enum(['shown', 'hidden-until-opened']),
  targeting: z.object({
    productIds: z.array(productId).max(100),
    // `<applicationId>:<codeStart>`, as activateRange made the range.
    rangeIds: z
      .array(z.string().regex(/^\d{1,20}:\d{1,16}$/, '码段须写作「申请单 ID:起始序号」'))
      .max(100),
  }) satisfies z.ZodType<Targeting>,
  limits: z.object({
    perUserPerDay: z.number().int(),
    perUserPerCampaign: z.number().int(),
  }),
  payout: z.discriminatedUnion('provider', [
    z.object({
      provider: z.literal('v2-redpacket'),
      sendName: z.string().max(64),
      wishing: z.string().max(128),
      actName: z.string().max(64),
      remark: z.string().max(256),
      sceneId: z.string().max(16).optional(),
    }),
    z.object({
      provider: z.literal('v3-transfer'),
      transferRemark: z.string().max(64),
      reportActivityName: z.string().max(64),
      reportRewardDescription: z.string().max(64),
      userRecvPerception: z.enum(['现金奖励', '活动奖励']),
    }),
  ]) satisfies z.ZodType<ProviderSettings>,
  risk: z.object({
    openidBlacklist: z.array(z.string().trim().min(1).max(64)).max(10_000),
    maxClaimsPerIpPerHour: z.number().int().nullable(),
    excludeSuspicious: z.boolean(),
  }) satisfies z.ZodType<RiskRules>,
};

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

const CAMPAIGN_STATUS_NAMES = {
  draft: '草稿',
  running: '进行中',
  paused: '已暂停',
  ended: '已结束',
};

export const campaignActions = {
  createCampaign: writeAction(
    z.object(campaignFields),
    async (input, { member }) => createCampaign(input, member.openid),
    (_input, { campaign }) => ({
      target: `campaign:${campaign.campaignId}`,
      summary: `新建活动「${campaign.name}」，预算 ${yuan(campaign.budget.budgetFen)}`,
    }),
  ),

  updateCampaign: writeAction(
    z.object({ campaignId, ...campaignFields }),
    async (input, { member }) => updateCampaign(input, member.openid),
    (_input, { campaign }) => ({
      target: `campaign:${campaign.campaignId}`,
      summary: `修改活动「${campaign.name}」，预算 ${yuan(campaign.budget.budgetFen)}`,
    }),
  ),

  setCampaignStatus: writeAction(
    z.object({ campaignId, status: campaignStatus }),
    async (input, { member }) => setCampaignStatus(input, member.openid),
    (input, { campaign }) => ({
      target: `campaign:${campaign.campaignId}`,
      summary: `活动「${campaign.name}」改为${CAMPAIGN_STATUS_NAMES[input.status]}`,
    }),
  ),

  getCampaign: readAction(z.object({ campaignId }), async (input) => getCampaign(input.campaignId)),

  listCampaigns: readAction(
    z.object({ status: campaignStatus.optional(), ...page(100, 20) }),
    async (input) => listCampaigns(input),
  ),
};
