/**
 * Reward campaigns: what one is, whether its definition can run, whether a claim qualifies, and
 * which campaign pays when several could. Pure rules, no I/O: the caller reads the counts (claims
 * today, claims from this IP in the last hour, budget left) and passes them in; the conditional
 * budget update and the unique code key stay the real guards against races.
 */
import type { CampaignRefusalCode } from '../../../typings/reward.js';
import type { VerdictKind } from '../../../typings/scan.js';
import { amountBounds, formatYuan, validateAmountRule, type AmountRule } from './amount.js';
import { chinaDate } from './payout-bill-numbers.js';
import type { PayoutProvider } from './payout.js';

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

// ---------------------------------------------------------------------------------------------
// Validation

/** Per-reward amount range per provider, in fen. */
export const PROVIDER_AMOUNT_LIMITS: Readonly<
  Record<PayoutProvider, { minFen: number; maxFen: number }>
> = {
  // §3.1: 1–200 yuan per envelope by default (outside it WeChat wants scene_id and a raised
  // merchant limit we cannot see, so we keep to the default).
  'v2-redpacket': { minFen: 100, maxFen: 20_000 },
  // Scene 1000 minimum 0.1 yuan; 200 yuan is the default per-transfer ceiling and the RED_PACKET
  // receipt style's limit, and far below the 2,000 yuan that would require the payee's real name.
  'v3-transfer': { minFen: 10, maxFen: 20_000 },
};

/** §3.1: WeChat refuses a user's 11th envelope of the day (SENDNUM_LIMIT). */
export const V2_MAX_PER_USER_PER_DAY = 10;

export const V2_SCENE_IDS = [
  'PRODUCT_1',
  'PRODUCT_2',
  'PRODUCT_3',
  'PRODUCT_4',
  'PRODUCT_5',
  'PRODUCT_6',
  'PRODUCT_7',
  'PRODUCT_8',
];

export const MAX_NAME_LENGTH = 32;

export interface CampaignIssue {
  /** Dotted path of the field, for the admin form. */
  path: string;
  message: string;
}

/** Every problem with a definition (empty = it may run), each with a Chinese message. */
export function validateCampaign(def: CampaignDefinition): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  const name = def.name.trim();
  if (name.length === 0) add('name', '请填写活动名称');
  else if ([...name].length > MAX_NAME_LENGTH) add('name', `活动名称最多 ${MAX_NAME_LENGTH} 个字`);

  if (!Number.isFinite(def.startAt) || !Number.isFinite(def.endAt)) {
    add('startAt', '请填写活动开始和结束时间');
  } else if (def.startAt >= def.endAt) {
    add('endAt', '结束时间须晚于开始时间');
  }

  const amountIssues = validateAmountRule(def.amount);
  issues.push(...amountIssues);
  if (amountIssues.length === 0) {
    const bounds = amountBounds(def.amount);
    const limits = PROVIDER_AMOUNT_LIMITS[def.payout.provider];
    if (bounds.minFen < limits.minFen || bounds.maxFen > limits.maxFen) {
      const what = def.payout.provider === 'v2-redpacket' ? '红包' : '转账';
      add(
        'amount',
        `${what}金额须在 ${formatYuan(limits.minFen)}–${formatYuan(limits.maxFen)} 元之间`,
      );
    }
    if (!Number.isSafeInteger(def.budgetFen) || def.budgetFen < bounds.minFen) {
      add('budgetFen', `预算须为整数分，且不少于最小单笔金额 ${formatYuan(bounds.minFen)} 元`);
    }
  } else if (!Number.isSafeInteger(def.budgetFen) || def.budgetFen <= 0) {
    add('budgetFen', '预算须为正整数（单位：分）');
  }

  if (def.targeting.productIds.length === 0 && def.targeting.rangeIds.length === 0) {
    // An untargeted campaign would pay for every code of every product: never by accident.
    add('targeting', '请至少选择一个商品或码段');
  }

  if (def.limits.perCode !== 1) add('limits.perCode', '每个码只能领取一次');
  const positive = (value: number): boolean => Number.isSafeInteger(value) && value > 0;
  if (!positive(def.limits.perUserPerDay)) add('limits.perUserPerDay', '每人每日次数须为正整数');
  if (!positive(def.limits.perUserPerCampaign)) {
    add('limits.perUserPerCampaign', '每人每活动次数须为正整数');
  } else if (positive(def.limits.perUserPerDay)) {
    if (def.limits.perUserPerDay > def.limits.perUserPerCampaign) {
      add('limits.perUserPerDay', '每人每日次数不能大于每人每活动次数');
    }
  }
  if (
    def.payout.provider === 'v2-redpacket' &&
    def.limits.perUserPerDay > V2_MAX_PER_USER_PER_DAY
  ) {
    add('limits.perUserPerDay', `红包每人每日最多 ${V2_MAX_PER_USER_PER_DAY} 个（微信限制）`);
  }

  const max = def.risk.maxClaimsPerIpPerHour;
  if (max !== null && !positive(max))
    add('risk.maxClaimsPerIpPerHour', '同一 IP 每小时次数须为正整数');

  issues.push(...validateProviderTexts(def.payout));
  return issues;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const characters = (text: string): number => [...text].length;

function validateProviderTexts(settings: ProviderSettings): CampaignIssue[] {
  const issues: CampaignIssue[] = [];
  const text = (
    path: string,
    value: string,
    label: string,
    max: number,
    measure: 'bytes' | 'chars',
  ): void => {
    if (value.trim().length === 0) {
      issues.push({ path, message: `请填写${label}` });
      return;
    }
    const size = measure === 'bytes' ? utf8Bytes(value) : characters(value);
    if (size > max) {
      const limit =
        measure === 'bytes' ? `${max} 字节（约 ${Math.floor(max / 3)} 个汉字）` : `${max} 个字`;
      issues.push({ path, message: `${label}最多 ${limit}` });
    }
  };
  if (settings.provider === 'v2-redpacket') {
    // v2 String(n) fields: read as UTF-8 bytes, the stricter reading, so a text that passes
    // here cannot make every send of the campaign fail with PARAM_ERROR.
    text('payout.sendName', settings.sendName, '商户名称', 32, 'bytes');
    text('payout.wishing', settings.wishing, '祝福语', 128, 'bytes');
    text('payout.actName', settings.actName, '活动名称', 32, 'bytes');
    text('payout.remark', settings.remark, '备注', 256, 'bytes');
    if (settings.sceneId !== undefined && !V2_SCENE_IDS.includes(settings.sceneId)) {
      issues.push({ path: 'payout.sceneId', message: '红包场景须为 PRODUCT_1 至 PRODUCT_8' });
    }
  } else {
    text('payout.transferRemark', settings.transferRemark, '转账备注', 32, 'chars');
    text('payout.reportActivityName', settings.reportActivityName, '报备活动名称', 32, 'chars');
    text(
      'payout.reportRewardDescription',
      settings.reportRewardDescription,
      '报备奖励说明',
      32,
      'chars',
    );
    if (!['现金奖励', '活动奖励'].includes(settings.userRecvPerception)) {
      issues.push({
        path: 'payout.userRecvPerception',
        message: '用户收款感知只能是「现金奖励」或「活动奖励」',
      });
    }
  }
  return issues;
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

// ---------------------------------------------------------------------------------------------
// Eligibility

/** What the caller read about the scanned code. */
export interface ClaimedCode {
  code: string;
  /** How the scan reached us: a 一物一码 ticket, or a raw code (typed, or read by wx.scanCode). */
  via: 'ticket' | 'code';
  /** The product its activated range is bound to; absent when not activated. */
  productId?: string;
  /** Its activated range; absent when not activated. */
  rangeId?: string;
  verdict: VerdictKind;
  /** The claiming scan was the code's first. */
  isFirstScan: boolean;
  /**
   * A payout record exists for this code, in any campaign and any state: even a failed one spent
   * the code's deterministic out-number, and WeChat never pays a failed number again.
   */
  alreadyRewarded: boolean;
}

export interface EligibilityContext {
  /** Epoch ms. */
  now: number;
  openid: string;
  /** From getWXContext's CLIENTIP; absent when the platform gave none. */
  clientIp?: string;
  code: ClaimedCode;
  counts: {
    /** This user's claims in this campaign since chinaDayStart(now). */
    userClaimsToday: number;
    /** This user's claims in this campaign, ever. */
    userClaimsInCampaign: number;
    /** Claims in this campaign from clientIp in the clock hour (China time) `now` falls in. */
    ipClaimsLastHour: number;
  };
  /** budget − held − paid, as read just now. */
  budgetRemainingFen: number;
}

export type RefusalCode = CampaignRefusalCode;

/**
 * Consumer-facing text per refusal. Risk refusals (blacklist, IP) stay vague on purpose: telling
 * a fraudster which rule caught them teaches them to dodge it.
 */
export const REFUSAL_MESSAGES: Readonly<Record<RefusalCode, string>> = {
  NOT_RUNNING: '活动未在进行中',
  OUTSIDE_WINDOW: '不在活动时间内',
  BLACKLISTED: '暂时无法领取，请稍后再试',
  NOT_TARGETED: '该商品未参加活动',
  TICKET_SCAN_REQUIRED: '请用微信扫一扫扫描商品上的码领取奖励',
  CODE_ALREADY_REWARDED: '该码的奖励已被领取',
  SUSPICIOUS_CODE: '该码存在异常，无法领取奖励',
  FIRST_SCAN_ONLY: '仅首次扫码可领取奖励',
  IP_RATE_LIMITED: '领取过于频繁，请稍后再试',
  USER_DAILY_LIMIT: '今日领取次数已达上限，明天再来吧',
  USER_CAMPAIGN_LIMIT: '您在本活动的领取次数已达上限',
  BUDGET_EXHAUSTED: '奖励已发完，感谢参与',
};

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type Eligibility = { eligible: true } | { eligible: false; refusal: Refusal };

const refuse = (code: RefusalCode): Eligibility => ({
  eligible: false,
  refusal: { code, message: REFUSAL_MESSAGES[code] },
});

/**
 * The first refusal, checked in this order: the campaign itself (status, window), then the
 * blacklist before anything about the code (a blacklisted user learns nothing), the code
 * (targeting, how it was scanned, already rewarded, suspicious, first scan), the IP and user
 * limits, the budget last
 * (a claim that fails anyway should not report "sold out").
 */
export function checkEligibility(campaign: Campaign, context: EligibilityContext): Eligibility {
  const { now, code, counts } = context;
  if (campaign.status !== 'running') return refuse('NOT_RUNNING');
  if (now < campaign.startAt || now >= campaign.endAt) return refuse('OUTSIDE_WINDOW');
  if (campaign.risk.openidBlacklist.includes(context.openid)) return refuse('BLACKLISTED');
  if (!targets(campaign, code)) return refuse('NOT_TARGETED');
  if (code.via !== 'ticket' && !campaign.allowTypedCodes) return refuse('TICKET_SCAN_REQUIRED');
  if (code.alreadyRewarded) return refuse('CODE_ALREADY_REWARDED');
  if (campaign.risk.excludeSuspicious && code.verdict === 'SUSPICIOUS') {
    return refuse('SUSPICIOUS_CODE');
  }
  if (campaign.firstScanOnly && !code.isFirstScan) return refuse('FIRST_SCAN_ONLY');
  const ipLimit = campaign.risk.maxClaimsPerIpPerHour;
  // No IP from the platform: the rule cannot apply, and refusing would block honest users.
  if (ipLimit !== null && context.clientIp && counts.ipClaimsLastHour >= ipLimit) {
    return refuse('IP_RATE_LIMITED');
  }
  if (counts.userClaimsToday >= campaign.limits.perUserPerDay) return refuse('USER_DAILY_LIMIT');
  if (counts.userClaimsInCampaign >= campaign.limits.perUserPerCampaign) {
    return refuse('USER_CAMPAIGN_LIMIT');
  }
  if (context.budgetRemainingFen < amountBounds(campaign.amount).minFen) {
    return refuse('BUDGET_EXHAUSTED');
  }
  return { eligible: true };
}

/** Not-activated and unknown codes have no product or range, so no campaign targets them. */
export function targets(campaign: Campaign, code: ClaimedCode): boolean {
  if (code.verdict === 'INVALID' || code.verdict === 'NOT_ACTIVATED') return false;
  return targetMatch(campaign, code) !== null;
}

function targetMatch(campaign: Campaign, code: ClaimedCode): 'range' | 'product' | null {
  if (code.rangeId !== undefined && campaign.targeting.rangeIds.includes(code.rangeId)) {
    return 'range';
  }
  if (code.productId !== undefined && campaign.targeting.productIds.includes(code.productId)) {
    return 'product';
  }
  return null;
}

/** Epoch ms of 00:00 China time (UTC+8) of the day `now` falls in: where "today" starts. */
export function chinaDayStart(now: number): number {
  const day = chinaDate(now);
  return Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6, 8)) - 8 * 3_600_000;
}

// ---------------------------------------------------------------------------------------------
// Choosing a campaign

/**
 * The campaigns that could pay for this code now, best first:
 *   1. targeted by the code's range before targeted by its product (the narrower promotion was
 *      set up for exactly these codes);
 *   2. the window ending first (spend the budget that expires first);
 *   3. created first;
 *   4. id, so equal campaigns still sort the same way on every call.
 */
export function rankCampaigns(
  campaigns: readonly Campaign[],
  code: ClaimedCode,
  now: number,
): Campaign[] {
  const specificity = (campaign: Campaign): number =>
    targetMatch(campaign, code) === 'range' ? 0 : 1;
  return campaigns
    .filter(
      (campaign) =>
        campaign.status === 'running' &&
        now >= campaign.startAt &&
        now < campaign.endAt &&
        targets(campaign, code),
    )
    .sort(
      (a, b) =>
        specificity(a) - specificity(b) ||
        a.endAt - b.endAt ||
        a.createdAt - b.createdAt ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

export type Selection =
  { ok: true; campaign: Campaign } | { ok: false; refusal: Refusal; campaign?: Campaign };

/**
 * The first ranked campaign the claim is eligible for. When none is, the refusal of the best
 * ranked one (its reason is the most relevant to this code); NOT_TARGETED when none applies.
 * `candidates` are rankCampaigns' result, each with the counts the caller read for it.
 */
export function selectCampaign(
  candidates: readonly { campaign: Campaign; context: EligibilityContext }[],
): Selection {
  let first: { refusal: Refusal; campaign: Campaign } | undefined;
  for (const { campaign, context } of candidates) {
    const result = checkEligibility(campaign, context);
    if (result.eligible) return { ok: true, campaign };
    first ??= { refusal: result.refusal, campaign };
  }
  if (first) return { ok: false, ...first };
  return {
    ok: false,
    refusal: { code: 'NOT_TARGETED', message: REFUSAL_MESSAGES.NOT_TARGETED },
  };
}

/** What the landing card may show before a claim. */
export interface RewardOfferPreview {
  campaignId: string;
  name: string;
  amountDisplay: AmountDisplay;
  /** Only when shown: "1.00" for fixed, "0.50–2.00" for a range or tiers. */
  amountText?: string;
  provider: PayoutProvider;
}

export function offerPreview(campaign: Campaign): RewardOfferPreview {
  const { minFen, maxFen } = amountBounds(campaign.amount);
  const amountText =
    minFen === maxFen ? formatYuan(minFen) : `${formatYuan(minFen)}–${formatYuan(maxFen)}`;
  return {
    campaignId: campaign.id,
    name: campaign.name,
    amountDisplay: campaign.amountDisplay,
    ...(campaign.amountDisplay === 'shown' ? { amountText } : {}),
    provider: campaign.payout.provider,
  };
}
