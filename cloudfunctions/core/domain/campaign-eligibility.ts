/**
 * Whether a claim qualifies for a campaign, and which campaign pays when several could. Pure
 * rules, no I/O: the caller reads the counts (claims today, claims from this IP in the last hour,
 * budget left) and passes them in; the conditional budget update and the unique code key stay
 * the real guards against races.
 */
import type { CampaignRefusalCode, RewardOffer } from '../../../typings/reward.js';
import type { VerdictKind } from '../../../typings/scan.js';
import { amountBounds, formatYuan } from './amount.js';
import type { Campaign } from './campaign.js';
import { chinaDate } from './payout-bill-numbers.js';

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

/** What the landing card may show before a claim (the contract's RewardOffer). */
export function offerPreview(campaign: Campaign): RewardOffer {
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
