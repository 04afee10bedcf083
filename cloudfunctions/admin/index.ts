import { z } from 'zod';
import type { AdminMe } from '../../typings/admin.js';
import { isAdministrator, requireAdministrator, requireOpenid } from '../core/auth/roles.js';
import { activateRange, listRanges, queryActivation } from '../core/codes/activation.js';
import { applyCodes, listApplications, refreshApplication } from '../core/codes/applications.js';
import { exportRange } from '../core/codes/export.js';
import { importRange } from '../core/codes/import.js';
import { MAX_LIMIT, MAX_WINDOW_MINUTES } from '../core/domain/verdict.js';
import {
  bindProduct,
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
} from '../core/products/catalog.js';
import { recordOperatorVisit } from '../core/data/operators.js';
import {
  createCampaign,
  getCampaign,
  listCampaigns,
  setCampaignStatus,
  updateCampaign,
} from '../core/rewards/campaigns.js';
import { listPayoutViews } from '../core/rewards/payouts-admin.js';
import { PAYOUT_STATES, type PayoutState } from '../core/domain/payout.js';
import { action, createHandler } from '../core/handler.js';

/**
 * The operators' function. Every action but `me` requires an administrator; `me` is open to any
 * WeChat user so the admin pages can tell a visitor why they see nothing.
 *
 * Input shapes are checked here (zod, Chinese messages); the marketcode rules themselves (count
 * grid, ranges inside the application, EAN check digit…) live in core/domain/marketcode.ts and
 * answer with their own stable codes.
 */

// uint64: a decimal string; a number is accepted only while it is exact (≤ 2^53).
const applicationId = z.union([
  z.string().regex(/^(0|[1-9][0-9]{0,19})$/, '申请单 ID 须为数字字符串'),
  z
    .number()
    .int()
    .nonnegative()
    .refine(Number.isSafeInteger, '申请单 ID 超出精确范围，请以字符串传递')
    .transform(String),
]);
const codeIndex = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const range = { applicationId, codeStart: codeIndex, codeEnd: codeIndex };
const text = (max: number) => z.string().trim().min(1).max(max);

// Images: a cloud file ID (uploaded by the admin page with wx.cloud.uploadFile) or an https URL.
const image = z
  .string()
  .trim()
  .max(1024)
  .regex(/^(cloud:\/\/|https:\/\/)\S+$/, '图片须为云存储文件 ID（cloud://…）或 https 链接');
const images = z.array(image).max(9, '最多 9 张图片');
const traceStep = z.object({
  name: text(20),
  // A day (2024-03-01) or a moment with its offset; the page formats it.
  time: z.union([z.iso.date(), z.iso.datetime({ offset: true })]).optional(),
  place: text(64).optional(),
  operator: text(64).optional(),
  note: text(200).optional(),
  images: images.optional(),
});
const traceSteps = z.array(traceStep).max(20, '溯源环节最多 20 个');
const productId = z.string().trim().min(1).max(64);
const productFields = {
  title: text(64),
  brand: text(64),
  // Checked (digits and check digit) by the domain rule, which answers in Chinese.
  ean: z.string().trim().max(14).optional(),
  images,
  attributes: z.array(z.object({ name: text(20), value: text(200) })).max(30, '商品属性最多 30 项'),
  trace: traceSteps,
  follow: z
    .object({
      enabled: z.boolean(),
      officialAccountName: text(32).optional(),
      hint: text(60).optional(),
    })
    .optional(),
  suspicion: z
    .object({
      windowMinutes: z.number().int().min(1).max(MAX_WINDOW_MINUTES),
      maxScans: z.number().int().min(1).max(MAX_LIMIT),
      maxScanners: z.number().int().min(1).max(MAX_LIMIT),
      maxPlaces: z.number().int().min(1).max(MAX_LIMIT),
    })
    .partial()
    .optional(),
};

// Campaign shapes; what makes a campaign runnable (amount ranges per provider, text lengths,
// limits) is validateCampaign's, which answers in Chinese with the field it is about.
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const campaignId = z.string().trim().min(1).max(64);
const campaignStatus = z.enum(['draft', 'running', 'paused', 'ended']);
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
  ]),
  firstScanOnly: z.boolean(),
  allowTypedCodes: z.boolean().optional(),
  amountDisplay: z.enum(['shown', 'hidden-until-opened']),
  targeting: z.object({
    productIds: z.array(productId).max(100),
    // `<applicationId>:<codeStart>`, as activateRange made the range.
    rangeIds: z
      .array(z.string().regex(/^\d{1,20}:\d{1,16}$/, '码段须写作「申请单 ID:起始序号」'))
      .max(100),
  }),
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
  ]),
  risk: z.object({
    openidBlacklist: z.array(z.string().trim().min(1).max(64)).max(10_000),
    maxClaimsPerIpPerHour: z.number().int().nullable(),
    excludeSuspicious: z.boolean(),
  }),
};

export const main = createHandler('admin', {
  me: action(z.object({}), async (_input, { caller }): Promise<AdminMe> => {
    const openid = requireOpenid(caller);
    const [record, admin] = await Promise.all([
      recordOperatorVisit(openid, caller.appid ?? ''),
      isAdministrator(openid),
    ]);
    return {
      openid,
      appid: record.appid,
      isAdmin: admin,
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      visits: record.visits,
    };
  }),

  applyCodes: action(
    // The count's grid rule answers INVALID_CODE_COUNT from the domain, not a generic zod error.
    z.object({ count: z.number().int(), isvApplicationId: z.string().trim().min(1).max(128) }),
    async (input, { caller }) => applyCodes(input, await requireAdministrator(caller)),
  ),

  refreshApplication: action(z.object({ applicationId }), async (input, { caller }) =>
    refreshApplication(input.applicationId, await requireAdministrator(caller)),
  ),

  listApplications: action(
    z.object({
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).default(0),
    }),
    async (input, { caller }) => {
      await requireAdministrator(caller);
      return listApplications(input);
    },
  ),

  importRange: action(z.object(range), async (input, { caller }) =>
    importRange(input, await requireAdministrator(caller)),
  ),

  exportRange: action(
    z.object({
      ...range,
      from: codeIndex.optional(),
      to: codeIndex.optional(),
      formats: z
        .array(z.enum(['csv', 'svg', 'png', 'qr']))
        .min(1)
        .max(4),
    }),
    async (input, { caller }) => exportRange(input, await requireAdministrator(caller)),
  ),

  activateRange: action(
    z.object({
      ...range,
      activityName: text(128),
      productBrand: text(128),
      productTitle: text(128),
      productCode: z.string().trim(),
      wxaAppid: text(64).optional(),
      wxaPath: text(256),
      wxaType: z.number().int().optional(),
    }),
    async (input, { caller }) => activateRange(input, await requireAdministrator(caller)),
  ),

  queryActivation: action(
    z.union([
      z.object({ applicationId, codeIndex }).strict(),
      z.object({ code: z.string() }).strict(),
      z.object({ codeUrl: z.string() }).strict(),
    ]),
    async (input, { caller }) => {
      await requireAdministrator(caller);
      return queryActivation(input);
    },
  ),

  listRanges: action(z.object({ applicationId }), async (input, { caller }) => {
    await requireAdministrator(caller);
    return listRanges(input.applicationId);
  }),

  createProduct: action(z.object(productFields), async (input, { caller }) =>
    createProduct(input, await requireAdministrator(caller)),
  ),

  updateProduct: action(
    z
      .object({ productId, ...productFields })
      .partial()
      .required({ productId: true }),
    async (input, { caller }) => updateProduct(input, await requireAdministrator(caller)),
  ),

  getProduct: action(z.object({ productId }), async (input, { caller }) => {
    await requireAdministrator(caller);
    return getProduct(input.productId);
  }),

  listProducts: action(
    z.object({
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).default(0),
    }),
    async (input, { caller }) => {
      await requireAdministrator(caller);
      return listProducts(input);
    },
  ),

  bindProduct: action(
    z.object({
      applicationId,
      codeStart: codeIndex,
      productId,
      traceSteps: traceSteps.optional(),
    }),
    async (input, { caller }) => bindProduct(input, await requireAdministrator(caller)),
  ),

  createCampaign: action(z.object(campaignFields), async (input, { caller }) =>
    createCampaign(input, await requireAdministrator(caller)),
  ),

  updateCampaign: action(z.object({ campaignId, ...campaignFields }), async (input, { caller }) =>
    updateCampaign(input, await requireAdministrator(caller)),
  ),

  setCampaignStatus: action(
    z.object({ campaignId, status: campaignStatus }),
    async (input, { caller }) => setCampaignStatus(input, await requireAdministrator(caller)),
  ),

  getCampaign: action(z.object({ campaignId }), async (input, { caller }) => {
    await requireAdministrator(caller);
    return getCampaign(input.campaignId);
  }),

  listCampaigns: action(
    z.object({
      status: campaignStatus.optional(),
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).default(0),
    }),
    async (input, { caller }) => {
      await requireAdministrator(caller);
      return listCampaigns(input);
    },
  ),

  listPayouts: action(
    z.object({
      campaignId: campaignId.optional(),
      state: z.enum(PAYOUT_STATES as [PayoutState, ...PayoutState[]]).optional(),
      flagged: z.boolean().optional(),
      limit: z.number().int().min(1).max(100).default(20),
      offset: z.number().int().min(0).default(0),
    }),
    async (input, { caller }) => {
      await requireAdministrator(caller);
      return listPayoutViews(input);
    },
  ),
});
