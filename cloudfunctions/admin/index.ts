import { z } from 'zod';
import type { AdminAction, AdminMe, MemberRole } from '../../typings/admin.js';
import { createAdminHandler, readAction, writeAction } from '../core/auth/admin-actions.js';
import {
  acceptInvite,
  createInvite,
  grantRole,
  listAuditLog,
  listMembers,
  revokeRole,
} from '../core/auth/members.js';
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
  copyChannelQr,
  createChannelQr,
  deleteChannelQrs,
  getChannelQr,
  listChannelQrs,
  updateChannelQr,
  qrNotFound,
} from '../core/oa/channel-qrs.js';
import { findQr } from '../core/data/oa-qrcodes.js';
import { addMaterial, listMaterials, listOaDrafts } from '../core/oa/materials.js';
import { exportQrLinks, qrImage, qrImagesZip } from '../core/oa/qr-downloads.js';
import { createAudience, exportQrScanners, listAudiences } from '../core/oa/scanner-jobs.js';
import { exportData } from '../core/exports/data-exports.js';
import { getExport, listExports } from '../core/exports/jobs.js';
import {
  DATA_EXPORT_KINDS,
  DATA_EXPORT_NAMES,
  MAX_EXPORT_SPAN_MS,
} from '../core/domain/data-exports.js';
import { listScannerRecords } from '../core/data/oa-qr-scanners.js';
import { toScannerView } from '../core/oa/scanners.js';
import { MAX_QR_IMAGE_PX, MIN_QR_IMAGE_PX } from '../core/domain/qr-exports.js';
import {
  MAX_EXPIRE_SECONDS,
  MAX_REPLY_ITEMS,
  MIN_EXPIRE_SECONDS,
} from '../core/domain/channel-qr.js';
import {
  createCampaign,
  getCampaign,
  listCampaigns,
  setCampaignStatus,
  updateCampaign,
} from '../core/rewards/campaigns.js';
import { listPayoutViews } from '../core/rewards/payouts-admin.js';
import { rewardStats } from '../core/rewards/stats.js';
import { dashboardFigures } from '../core/stats/dashboard.js';
import { productScanStats, scanStats } from '../core/stats/scan-stats.js';
import { listDiversionAlerts, setRangeRegions } from '../core/stats/diversion.js';
import { PAYOUT_STATES, type PayoutState } from '../core/domain/payout.js';
import type { AmountRule } from '../core/domain/amount.js';
import type {
  CampaignStatus,
  ProviderSettings,
  RiskRules,
  Targeting,
} from '../core/domain/campaign.js';
import { inviteIdOf } from '../core/data/invites.js';
import {
  ADMIN_ACTIONS,
  allowedActions,
  MEMBER_ROLES,
  permissionsOf,
  ROLE_NAMES,
} from '../core/domain/permissions.js';

/**
 * The console's function. Each action needs the permission domain/permissions.ts gives it,
 * checked from the caller's OPENID before anything else (core/auth/admin-actions.ts); `me` and
 * `acceptInvite` are open to any WeChat user (a visitor learns why they see nothing, or joins).
 * Writes are recorded in the audit log with the summary each `writeAction` gives.
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
const isoTime = z.iso.datetime({ offset: true });
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

const page = (max: number, fallback: number) => ({
  limit: z.number().int().min(1).max(max).default(fallback),
  offset: z.number().int().min(0).default(0),
});
const openid = z.string().trim().min(1).max(64);
const memberRole = z.enum(MEMBER_ROLES as [MemberRole, ...MemberRole[]]);
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
const CAMPAIGN_STATUS_NAMES = {
  draft: '草稿',
  running: '进行中',
  paused: '已暂停',
  ended: '已结束',
};

// Channel QR codes (issue 11): reply items as typings/admin.ts ReplyItem; tag byte lengths and
// materials are checked by core/oa/channel-qrs.ts with their own codes.
const materialId = z.string().trim().min(1).max(64);
const replyItem = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(2000) }),
  z.object({ kind: z.literal('image'), materialId }),
  z.object({ kind: z.literal('video'), materialId, title: text(64), description: text(120) }),
  z.object({ kind: z.literal('news'), materialId }),
  z.object({ kind: z.literal('voice'), materialId }),
  z.object({
    kind: z.literal('miniprogram'),
    appid: z.string().regex(/^wx[0-9a-f]{16}$/, '小程序 AppID 格式不正确'),
    pagePath: text(256),
    title: text(64),
    thumbMaterialId: materialId,
  }),
  z.object({
    kind: z.literal('link'),
    title: text(64),
    url: z
      .string()
      .trim()
      .regex(/^https?:\/\/\S+$/, '链接须为 http(s) 地址')
      .max(1024),
    description: text(120),
    thumbMaterialId: materialId,
  }),
]);
const replies = z.object({
  enabled: z.boolean(),
  items: z.array(replyItem).max(MAX_REPLY_ITEMS, `最多 ${MAX_REPLY_ITEMS} 条回复内容`),
});
const qrId = z.string().trim().min(1).max(64);
const tagNames = z.array(z.string().trim().min(1).max(30)).max(20, '每个二维码最多 20 个标签');
const QR_TYPE_NAMES = { temporary: '临时', permanent: '永久' } as const;
const scanOrder = z.enum(['asc', 'desc']);
const qrImageSize = z.union([
  z.enum(['small', 'medium', 'large']),
  z
    .number()
    .int()
    .min(MIN_QR_IMAGE_PX, `自定义尺寸至少 ${MIN_QR_IMAGE_PX} 像素`)
    .max(MAX_QR_IMAGE_PX, `自定义尺寸最多 ${MAX_QR_IMAGE_PX} 像素`),
]);
const qrIds = z.array(qrId).min(1).max(100, '一次最多 100 个二维码');
const logoFileId = z
  .string()
  .trim()
  .min(1, '请先上传 Logo')
  .max(512, 'Logo 文件 ID 过长')
  .optional();

export const main = createAdminHandler({
  me: readAction(z.object({}), async (_input, { caller, member }): Promise<AdminMe> => {
    const record = await recordOperatorVisit(member.openid, caller.appid ?? '');
    return {
      openid: member.openid,
      appid: record.appid,
      isAdmin: member.role === 'admin',
      role: member.role,
      bootstrap: member.bootstrap,
      permissions: permissionsOf(member.role),
      can: allowedActions(member.role),
      firstSeenAt: new Date(record.firstSeenAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      visits: record.visits,
    };
  }),

  // 工作台: one round of indexed counts (core/stats/dashboard.ts).
  dashboard: readAction(z.object({}), async () => dashboardFigures()),

  applyCodes: writeAction(
    // The count's grid rule answers INVALID_CODE_COUNT from the domain, not a generic zod error.
    z.object({ count: z.number().int(), isvApplicationId: z.string().trim().min(1).max(128) }),
    async (input, { member }) => applyCodes(input, member.openid),
    (input, { application, created }) => ({
      target: `application:${application.applicationId}`,
      summary: `申请 ${input.count} 个码（订单号 ${input.isvApplicationId}）${created ? '' : '：重复提交，未新建'}`,
    }),
  ),

  refreshApplication: writeAction(
    z.object({ applicationId }),
    async (input, { member }) => refreshApplication(input.applicationId, member.openid),
    (_input, application) => ({
      target: `application:${application.applicationId}`,
      summary: `刷新申请单状态：${application.status}`,
    }),
  ),

  listApplications: readAction(z.object(page(100, 20)), async (input) => listApplications(input)),

  importRange: writeAction(
    z.object(range),
    async (input, { member }) => importRange(input, member.openid),
    (input, result) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `导入码段 ${input.codeStart}–${input.codeEnd}（${result.importedCount} 个码）${result.alreadyImported ? '：此前已导入' : ''}`,
    }),
  ),

  exportRange: writeAction(
    z.object({
      ...range,
      from: codeIndex.optional(),
      to: codeIndex.optional(),
      formats: z
        .array(z.enum(['csv', 'svg', 'png', 'qr']))
        .min(1)
        .max(4),
    }),
    async (input, { member }) => exportRange(input, member.openid),
    (input, result) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `导出印刷文件 ${result.from}–${result.to}（${result.codeCount} 个码，${input.formats.join('/')}），导出 ${result.exportId}`,
    }),
  ),

  activateRange: writeAction(
    z.object({
      ...range,
      activityName: text(128),
      productBrand: text(128),
      productTitle: text(128),
      productCode: z.string().trim(),
      wxaAppid: text(64).optional(),
      wxaPath: text(256),
      // The contract's 0 | 1 | 2, in the domain rule's words (it checks again before WeChat).
      wxaType: z
        .union([z.literal(0), z.literal(1), z.literal(2)], {
          error: '小程序版本须为 0（正式版）、1（开发版）或 2（体验版）',
        })
        .optional(),
    }),
    async (input, { member }) => activateRange(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `激活码段 ${input.codeStart}–${input.codeEnd}：${input.productTitle}，页面 ${input.wxaPath}`,
    }),
  ),

  queryActivation: readAction(
    z.union([
      z.object({ applicationId, codeIndex }).strict(),
      z.object({ code: z.string() }).strict(),
      z.object({ codeUrl: z.string() }).strict(),
    ]),
    async (input) => queryActivation(input),
  ),

  listRanges: readAction(z.object({ applicationId }), async (input) =>
    listRanges(input.applicationId),
  ),

  createProduct: writeAction(
    z.object(productFields),
    async (input, { member }) => createProduct(input, member.openid),
    (_input, { product }) => ({
      target: `product:${product.productId}`,
      summary: `新建商品「${product.title}」`,
    }),
  ),

  updateProduct: writeAction(
    z
      .object({ productId, ...productFields })
      .partial()
      .required({ productId: true }),
    async (input, { member }) => updateProduct(input, member.openid),
    (input, { product }) => ({
      target: `product:${product.productId}`,
      summary: `修改商品「${product.title}」：${Object.keys(input)
        .filter((key) => key !== 'productId')
        .join('、')}`,
    }),
  ),

  getProduct: readAction(z.object({ productId }), async (input) => getProduct(input.productId)),

  listProducts: readAction(z.object(page(100, 20)), async (input) => listProducts(input)),

  bindProduct: writeAction(
    z.object({
      applicationId,
      codeStart: codeIndex,
      productId,
      traceSteps: traceSteps.optional(),
    }),
    async (input, { member }) => bindProduct(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary: `绑定商品 ${input.productId}${input.traceSteps ? `，码段溯源 ${input.traceSteps.length} 步` : ''}`,
    }),
  ),

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

  listPayouts: readAction(
    z.object({
      campaignId: campaignId.optional(),
      state: z.enum(PAYOUT_STATES as [PayoutState, ...PayoutState[]]).optional(),
      flagged: z.boolean().optional(),
      // Checked by the domain (checkRawCode) so a malformed code gets its own Chinese message.
      code: z.string().optional(),
      ...page(100, 20),
    }),
    async (input) => listPayoutViews(input),
  ),

  rewardStats: readAction(
    z.object({
      from: z.iso.datetime({ offset: true }),
      to: z.iso.datetime({ offset: true }),
      granularity: z.enum(['hour', 'day']),
      campaignId: campaignId.optional(),
    }),
    async (input) => rewardStats(input),
  ),

  scanStats: readAction(
    z.object({
      from: isoTime,
      to: isoTime,
      granularity: z.enum(['hour', 'day']),
      groupBy: z.enum(['product', 'range', 'campaign', 'province']).optional(),
    }),
    async (input) => scanStats(input),
  ),

  productScanStats: readAction(z.object({ from: isoTime, to: isoTime }), async (input) =>
    productScanStats(input),
  ),

  setRangeRegions: writeAction(
    z.object({
      applicationId,
      codeStart: codeIndex,
      regions: z
        .array(z.object({ province: text(32), city: text(32).optional() }))
        .max(50, '销售区域最多 50 个'),
      alertThreshold: z.number().int().min(1).max(1_000_000).optional(),
    }),
    async (input, { member }) => setRangeRegions(input, member.openid),
    (input) => ({
      target: `range:${input.applicationId}:${input.codeStart}`,
      summary:
        input.regions.length === 0
          ? '取消销售区域（不再监测窜货）'
          : `设置销售区域：${input.regions.map((r) => r.province + (r.city ? r.city : '')).join('、')}`,
    }),
  ),

  listDiversionAlerts: readAction(
    z.object({
      applicationId: applicationId.optional(),
      codeStart: codeIndex.optional(),
      includeBelowThreshold: z.boolean().optional(),
      ...page(100, 20),
    }),
    async (input) => listDiversionAlerts(input),
  ),

  createInvite: writeAction(
    z.object({ role: memberRole }),
    async (input, { member }) => {
      const { inviteId: _inviteId, ...invite } = await createInvite(input.role, member.openid);
      return invite;
    },
    // The code itself is a credential: the log names the invite by its stored id (a hash).
    (input, invite) => ({
      target: `invite:${inviteIdOf(invite.inviteCode).slice(0, 12)}`,
      summary: `邀请成员，角色：${ROLE_NAMES[input.role]}，有效期至 ${invite.expiresAt}`,
    }),
  ),

  acceptInvite: writeAction(
    z.object({ inviteCode: z.string().trim().min(1).max(128) }),
    async (input, { member }) => ({ member: await acceptInvite(input.inviteCode, member.openid) }),
    (input, { member }) => ({
      target: `member:${member.openid}`,
      summary: `通过邀请加入，角色：${ROLE_NAMES[member.role]}（邀请 ${inviteIdOf(input.inviteCode).slice(0, 12)}）`,
    }),
  ),

  listMembers: readAction(z.object(page(100, 100)), async (input) => ({
    members: await listMembers(input),
  })),

  grantRole: writeAction(
    z.object({ openid, role: memberRole }),
    async (input, { member }) => ({
      member: await grantRole(input.openid, input.role, member.openid),
    }),
    (input) => ({
      target: `member:${input.openid}`,
      summary: `设置角色：${ROLE_NAMES[input.role]}`,
    }),
  ),

  revokeRole: writeAction(
    z.object({ openid }),
    async (input) => revokeRole(input.openid),
    (input, result) => ({
      target: `member:${input.openid}`,
      summary: `移除成员（原角色：${ROLE_NAMES[result.previousRole]}）`,
    }),
  ),

  listAuditLog: readAction(
    z.object({
      actionName: z.enum(ADMIN_ACTIONS as [AdminAction, ...AdminAction[]]).optional(),
      actor: openid.optional(),
      ...page(100, 20),
    }),
    async (input) => ({ entries: await listAuditLog(input) }),
  ),

  createChannelQr: writeAction(
    z.object({
      name: text(64),
      type: z.enum(['temporary', 'permanent']),
      expireSeconds: z
        .number()
        .int()
        .min(MIN_EXPIRE_SECONDS, '有效期至少 60 秒')
        .max(MAX_EXPIRE_SECONDS, '临时二维码有效期最长 30 天')
        .optional(),
      channel: text(64).optional(),
      tagNames: tagNames.optional(),
      replies: replies.optional(),
    }),
    async (input, { member }) => createChannelQr(input, member.openid),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `新建${QR_TYPE_NAMES[input.type]}渠道二维码「${qr.name}」`,
    }),
  ),

  getChannelQr: readAction(z.object({ qrId }), async (input) => getChannelQr(input.qrId)),

  listChannelQrs: readAction(
    z.object({
      keyword: z.string().trim().max(64).optional(),
      status: z.enum(['creating', 'active', 'expired', 'creation_failed', 'deleted']).optional(),
      ...page(100, 20),
    }),
    async (input) => listChannelQrs(input),
  ),

  updateChannelQr: writeAction(
    z.object({
      qrId,
      name: text(64).optional(),
      tagNames: tagNames.optional(),
      replies: replies.optional(),
    }),
    async (input) => updateChannelQr(input),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `修改渠道二维码「${qr.name}」：${Object.keys(input)
        .filter((key) => key !== 'qrId')
        .join('、')}`,
    }),
  ),

  copyChannelQr: writeAction(
    z.object({ qrId }),
    async (input, { member }) => copyChannelQr(input.qrId, member.openid),
    (input, { qr }) => ({
      target: `qr:${qr.qrId}`,
      summary: `复制渠道二维码 ${input.qrId} 为「${qr.name}」`,
    }),
  ),

  deleteChannelQrs: writeAction(
    z.object({ qrIds: z.array(qrId).min(1).max(100, '一次最多删除 100 个') }),
    async (input) => deleteChannelQrs(input.qrIds),
    (input, result) => ({
      target: `qr:${input.qrIds.slice(0, 5).join(',')}${input.qrIds.length > 5 ? '…' : ''}`,
      summary: `删除渠道二维码 ${result.deleted.length} 个${result.skipped.length ? `（${result.skipped.length} 个已删除或不存在）` : ''}`,
    }),
  ),

  addMaterial: writeAction(
    z.union([
      z.object({
        kind: z.enum(['image', 'voice', 'video']),
        fileId: z
          .string()
          .trim()
          .regex(/^cloud:\/\/\S+$/, '文件须为云存储文件 ID（cloud://…）')
          .max(1024),
        name: text(64),
      }),
      z.object({ kind: z.literal('news'), articleId: text(128), name: text(64) }),
      z.object({ kind: z.literal('news'), draftMediaId: text(128), name: text(64) }),
    ]),
    async (input, { member }) => addMaterial(input, member.openid),
    (_input, { material }) => ({
      target: `material:${material.materialId}`,
      summary: `添加素材「${material.name}」（${material.kind}）`,
    }),
  ),

  listMaterials: readAction(
    z.object({
      kind: z.enum(['image', 'voice', 'video', 'news']).optional(),
      keyword: z.string().trim().max(64).optional(),
      mine: z.boolean().optional(),
      ...page(100, 20),
    }),
    async (input, { member }) => listMaterials(input, member.openid),
  ),

  listOaDrafts: readAction(
    z.object({
      offset: z.number().int().min(0).default(0),
      count: z.number().int().min(1).max(20, '一次最多读取 20 篇草稿').default(20),
    }),
    async (input) => listOaDrafts(input),
  ),

  listQrScanners: readAction(
    z.object({ qrId, openid: openid.optional(), order: scanOrder, ...page(100, 20) }),
    async (input) => {
      const qr = await findQr(input.qrId);
      if (!qr) throw qrNotFound();
      const records = await listScannerRecords(input);
      return { scanners: records.map((record) => toScannerView(record, qr.tagNames ?? [])) };
    },
  ),

  exportQrScanners: writeAction(
    z.object({ qrId, openid: openid.optional(), order: scanOrder }),
    async (input, { member }) => exportQrScanners(input, member.openid),
    (input, { exportId }) => ({
      target: `export:${exportId}`,
      summary: `导出二维码 ${input.qrId} 的扫码用户${input.openid ? '（按 OpenID 筛选）' : ''}`,
    }),
  ),

  // A channel QR export is every OA reader's to follow; a CRM export only its requester's.
  getExport: readAction(
    z.object({ exportId: z.string().trim().min(1).max(64) }),
    async (input, { member }) => {
      try {
        return await getExport(input.exportId, { kinds: ['qrScanners'] });
      } catch (error) {
        return getExport(input.exportId, {
          kinds: DATA_EXPORT_KINDS,
          requestedBy: member.openid,
        }).catch(() => Promise.reject(error));
      }
    },
  ),

  exportData: writeAction(
    z
      .object({
        kind: z.enum(['scans', 'payouts', 'scanners'], { message: '请选择导出的数据' }),
        from: isoTime,
        to: isoTime,
        productId: z.string().trim().min(1).max(64).optional(),
        campaignId: z.string().trim().min(1).max(64).optional(),
      })
      .refine((input) => Date.parse(input.from) < Date.parse(input.to), {
        message: '结束时间须晚于开始时间',
      })
      .refine((input) => Date.parse(input.to) - Date.parse(input.from) <= MAX_EXPORT_SPAN_MS, {
        message: '一次最多导出一年的数据',
      }),
    async (input, { member }) => exportData(input, member.openid),
    (input, { exportId }) => ({
      target: `export:${exportId}`,
      summary: `导出${DATA_EXPORT_NAMES[input.kind]}（${input.from} 至 ${input.to}${input.productId ? `，商品 ${input.productId}` : ''}${input.campaignId ? `，活动 ${input.campaignId}` : ''}）`,
    }),
  ),

  listExports: readAction(
    z.object({
      limit: z.number().int().min(1).max(20, '一次最多列出 20 个导出').default(10),
    }),
    async (input, { member }) => listExports(member.openid, DATA_EXPORT_KINDS, input.limit),
  ),

  createAudience: writeAction(
    z.object({ qrId, name: text(64) }),
    async (input, { member }) => createAudience(input, member.openid),
    (input, { audience }) => ({
      target: `audience:${audience.audienceId}`,
      summary: `以二维码 ${input.qrId} 的扫码用户创建人群「${audience.name}」`,
    }),
  ),

  listAudiences: readAction(z.object({ qrId: qrId.optional(), ...page(100, 20) }), async (input) =>
    listAudiences(input),
  ),

  qrImage: readAction(
    z.object({ qrId, size: qrImageSize, logo: z.boolean().optional(), logoFileId }),
    async (input, { member }) => qrImage(input, member.openid),
  ),

  qrImagesZip: readAction(
    z.object({ qrIds, size: qrImageSize, logo: z.boolean().optional(), logoFileId }),
    async (input, { member }) => qrImagesZip(input, member.openid),
  ),

  exportQrLinks: readAction(z.object({ qrIds: qrIds.optional() }), async (input, { member }) =>
    exportQrLinks(input, member.openid),
  ),
});
