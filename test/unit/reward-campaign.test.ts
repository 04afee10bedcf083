/**
 * The campaign rules (core/domain/campaign.ts): definition checks with their Chinese messages,
 * every eligibility refusal and their order, the China day, and which campaign pays.
 */
import { describe, expect, it } from 'vitest';
import {
  canChangeStatus,
  type Campaign,
  type CampaignDefinition,
} from '../../cloudfunctions/core/domain/campaign';
import {
  REFUSAL_MESSAGES,
  checkEligibility,
  chinaDayStart,
  offerPreview,
  rankCampaigns,
  selectCampaign,
  type EligibilityContext,
  type RefusalCode,
} from '../../cloudfunctions/core/domain/campaign-eligibility';
import { validateCampaign } from '../../cloudfunctions/core/domain/campaign-validation';
import type { AmountRule } from '../../cloudfunctions/core/domain/amount';

const NOW = Date.parse('2025-03-10T12:00:00+08:00');
const DAY = 24 * 3_600_000;

function definition(overrides: Partial<CampaignDefinition> = {}): CampaignDefinition {
  return {
    name: '扫码有礼',
    startAt: NOW - DAY,
    endAt: NOW + 30 * DAY,
    budgetFen: 1_000_000,
    amount: { kind: 'uniform', minFen: 100, maxFen: 500 },
    firstScanOnly: false,
    allowTypedCodes: false,
    amountDisplay: 'shown',
    targeting: { productIds: ['p-tea'], rangeIds: [] },
    limits: { perCode: 1, perUserPerDay: 3, perUserPerCampaign: 10 },
    payout: {
      provider: 'v2-redpacket',
      sendName: '码上茶业',
      wishing: '感谢您的购买',
      actName: '扫码有礼',
      remark: '每个码限领一次',
    },
    risk: { openidBlacklist: [], maxClaimsPerIpPerHour: 20, excludeSuspicious: true },
    ...overrides,
  };
}

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    ...definition(),
    id: 'camp-1',
    status: 'running',
    createdAt: NOW - 2 * DAY,
    ...overrides,
  };
}

function context(overrides: Partial<EligibilityContext> = {}): EligibilityContext {
  return {
    now: NOW,
    openid: 'o-alice',
    clientIp: '203.0.113.7',
    code: {
      code: 'A1B2C3D4E',
      via: 'ticket',
      productId: 'p-tea',
      rangeId: 'r-1',
      verdict: 'GENUINE_FIRST',
      isFirstScan: true,
      alreadyRewarded: false,
    },
    counts: { userClaimsToday: 0, userClaimsInCampaign: 0, ipClaimsLastHour: 0 },
    budgetRemainingFen: 1_000_000,
    ...overrides,
  };
}

const messages = (def: CampaignDefinition): string[] =>
  validateCampaign(def).map((issue) => issue.message);

describe('validateCampaign', () => {
  it('accepts a sound v2 and a sound v3 campaign', () => {
    expect(validateCampaign(definition())).toEqual([]);
    expect(
      validateCampaign(
        definition({
          amount: { kind: 'fixed', fen: 10 },
          payout: {
            provider: 'v3-transfer',
            transferRemark: '扫码有礼现金奖励',
            reportActivityName: '扫码有礼',
            reportRewardDescription: '扫码领取现金奖励',
            userRecvPerception: '现金奖励',
          },
        }),
      ),
    ).toEqual([]);
  });

  it('asks for a name of at most 32 characters', () => {
    expect(messages(definition({ name: '  ' }))).toEqual(['请填写活动名称']);
    expect(messages(definition({ name: '茶'.repeat(33) }))).toEqual(['活动名称最多 32 个字']);
  });

  it('wants the window to end after it starts', () => {
    expect(validateCampaign(definition({ startAt: NOW, endAt: NOW }))).toEqual([
      { path: 'endAt', message: '结束时间须晚于开始时间' },
    ]);
    expect(messages(definition({ startAt: Number.NaN }))).toEqual(['请填写活动开始和结束时间']);
  });

  it('keeps v2 amounts within 1–200 yuan (§3.1)', () => {
    for (const amount of [
      { kind: 'fixed', fen: 99 },
      { kind: 'uniform', minFen: 100, maxFen: 20_001 },
      {
        kind: 'tiers',
        tiers: [
          { fen: 50, weight: 1 },
          { fen: 100, weight: 1 },
        ],
      },
    ] satisfies AmountRule[]) {
      expect(messages(definition({ amount }))).toEqual(['红包金额须在 1.00–200.00 元之间']);
    }
    expect(
      messages(definition({ amount: { kind: 'uniform', minFen: 100, maxFen: 20_000 } })),
    ).toEqual([]);
  });

  it('keeps v3 amounts within 0.10–200 yuan', () => {
    const payout = {
      provider: 'v3-transfer',
      transferRemark: '奖励',
      reportActivityName: '扫码有礼',
      reportRewardDescription: '扫码领取现金奖励',
      userRecvPerception: '活动奖励',
    } as const;
    expect(messages(definition({ payout, amount: { kind: 'fixed', fen: 9 } }))).toEqual([
      '转账金额须在 0.10–200.00 元之间',
    ]);
  });

  it('passes the amount rule’s own messages through (min ≤ max, positive weights)', () => {
    expect(messages(definition({ amount: { kind: 'uniform', minFen: 300, maxFen: 200 } }))).toEqual(
      ['最小金额不能大于最大金额'],
    );
    // With a broken amount rule the budget is still checked on its own.
    expect(messages(definition({ amount: { kind: 'fixed', fen: 0 }, budgetFen: 0 }))).toEqual([
      '固定金额须为正整数（单位：分）',
      '预算须为正整数（单位：分）',
    ]);
    expect(
      messages(definition({ amount: { kind: 'tiers', tiers: [{ fen: 100, weight: 0 }] } })),
    ).toEqual(['第 1 档权重须为正整数']);
  });

  it('wants a budget of at least the smallest possible amount', () => {
    expect(messages(definition({ budgetFen: 99 }))).toEqual([
      '预算须为整数分，且不少于最小单笔金额 1.00 元',
    ]);
    expect(messages(definition({ budgetFen: 100 }))).toEqual([]);
    expect(messages(definition({ budgetFen: 100.5 }))).toHaveLength(1);
  });

  it('refuses an untargeted campaign', () => {
    expect(messages(definition({ targeting: { productIds: [], rangeIds: [] } }))).toEqual([
      '请至少选择一个商品或码段',
    ]);
    expect(messages(definition({ targeting: { productIds: [], rangeIds: ['r-1'] } }))).toEqual([]);
  });

  it('checks the limits, including WeChat’s 10 envelopes per user per day', () => {
    const limits = (perUserPerDay: number, perUserPerCampaign: number) =>
      messages(definition({ limits: { perCode: 1, perUserPerDay, perUserPerCampaign } }));
    expect(limits(0, 10)).toEqual(['每人每日次数须为正整数']);
    expect(limits(1, 0)).toEqual(['每人每活动次数须为正整数']);
    expect(limits(5, 3)).toEqual(['每人每日次数不能大于每人每活动次数']);
    expect(limits(11, 20)).toEqual(['红包每人每日最多 10 个（微信限制）']);
    expect(
      messages(
        definition({ limits: { perCode: 2 as 1, perUserPerDay: 1, perUserPerCampaign: 1 } }),
      ),
    ).toEqual(['每个码只能领取一次']);
  });

  it('checks the IP limit', () => {
    const risk = { openidBlacklist: [], excludeSuspicious: true };
    expect(messages(definition({ risk: { ...risk, maxClaimsPerIpPerHour: 0 } }))).toEqual([
      '同一 IP 每小时次数须为正整数',
    ]);
    expect(messages(definition({ risk: { ...risk, maxClaimsPerIpPerHour: null } }))).toEqual([]);
  });

  it('checks v2 texts by UTF-8 bytes', () => {
    const payout = definition().payout;
    if (payout.provider !== 'v2-redpacket') throw new Error('fixture');
    // 11 Chinese characters are 33 bytes.
    expect(messages(definition({ payout: { ...payout, sendName: '码'.repeat(11) } }))).toEqual([
      '商户名称最多 32 字节（约 10 个汉字）',
    ]);
    expect(messages(definition({ payout: { ...payout, sendName: '码'.repeat(10) } }))).toEqual([]);
    expect(messages(definition({ payout: { ...payout, wishing: '' } }))).toEqual(['请填写祝福语']);
    expect(messages(definition({ payout: { ...payout, sceneId: 'PRODUCT_9' } }))).toEqual([
      '红包场景须为 PRODUCT_1 至 PRODUCT_8',
    ]);
  });

  it('checks v3 texts by characters and the scene-1000 perception', () => {
    const payout = {
      provider: 'v3-transfer',
      transferRemark: '奖'.repeat(33),
      reportActivityName: '',
      reportRewardDescription: '扫码领取现金奖励',
      userRecvPerception: '红包' as '现金奖励',
    } as const;
    expect(messages(definition({ payout }))).toEqual([
      '转账备注最多 32 个字',
      '请填写报备活动名称',
      '用户收款感知只能是「现金奖励」或「活动奖励」',
    ]);
  });
});

describe('status changes', () => {
  it('lets operators start, pause, resume and end, and never reopen an ended campaign', () => {
    expect(canChangeStatus('draft', 'running')).toBe(true);
    expect(canChangeStatus('running', 'paused')).toBe(true);
    expect(canChangeStatus('paused', 'running')).toBe(true);
    expect(canChangeStatus('running', 'ended')).toBe(true);
    expect(canChangeStatus('ended', 'running')).toBe(false);
    expect(canChangeStatus('running', 'draft')).toBe(false);
  });
});

describe('checkEligibility', () => {
  const refusal = (c: Campaign, ctx: EligibilityContext): RefusalCode | null => {
    const result = checkEligibility(c, ctx);
    return result.eligible ? null : result.refusal.code;
  };

  it('lets a clean first claim through', () => {
    expect(checkEligibility(campaign(), context())).toEqual({ eligible: true });
  });

  it('refuses with a stable code and its Chinese message', () => {
    expect(checkEligibility(campaign({ status: 'paused' }), context())).toEqual({
      eligible: false,
      refusal: { code: 'NOT_RUNNING', message: '活动未在进行中' },
    });
  });

  it('refuses a campaign that is not running', () => {
    for (const status of ['draft', 'paused', 'ended'] as const) {
      expect(refusal(campaign({ status }), context())).toBe('NOT_RUNNING');
    }
  });

  it('refuses outside the window: start inclusive, end exclusive', () => {
    const c = campaign({ startAt: NOW, endAt: NOW + DAY });
    expect(refusal(c, context({ now: NOW - 1 }))).toBe('OUTSIDE_WINDOW');
    expect(refusal(c, context({ now: NOW }))).toBeNull();
    expect(refusal(c, context({ now: NOW + DAY }))).toBe('OUTSIDE_WINDOW');
  });

  it('refuses blacklisted users before telling them anything about the code', () => {
    const c = campaign({
      risk: { openidBlacklist: ['o-alice'], maxClaimsPerIpPerHour: null, excludeSuspicious: true },
    });
    const code = { ...context().code, alreadyRewarded: true };
    expect(refusal(c, context({ code }))).toBe('BLACKLISTED');
    expect(REFUSAL_MESSAGES.BLACKLISTED).toBe('暂时无法领取，请稍后再试');
  });

  it('refuses codes of other products and ranges, and codes not activated', () => {
    const other = { ...context().code, productId: 'p-coffee', rangeId: 'r-9' };
    expect(refusal(campaign(), context({ code: other }))).toBe('NOT_TARGETED');
    const byRange = campaign({ targeting: { productIds: [], rangeIds: ['r-9'] } });
    expect(refusal(byRange, context({ code: other }))).toBeNull();
    for (const verdict of ['NOT_ACTIVATED', 'INVALID'] as const) {
      expect(refusal(campaign(), context({ code: { ...context().code, verdict } }))).toBe(
        'NOT_TARGETED',
      );
    }
  });

  it('refuses a typed code unless the campaign allows typed codes, after targeting', () => {
    const typed = { ...context().code, via: 'code' as const };
    expect(refusal(campaign(), context({ code: typed }))).toBe('TICKET_SCAN_REQUIRED');
    expect(refusal(campaign({ allowTypedCodes: true }), context({ code: typed }))).toBeNull();
    const elsewhere = { ...typed, productId: 'p-other', rangeId: 'r-other' };
    expect(refusal(campaign(), context({ code: elsewhere }))).toBe('NOT_TARGETED');
  });

  it('refuses a code already rewarded', () => {
    const code = { ...context().code, alreadyRewarded: true };
    expect(refusal(campaign(), context({ code }))).toBe('CODE_ALREADY_REWARDED');
  });

  it('refuses suspicious codes when the campaign excludes them', () => {
    const code = { ...context().code, verdict: 'SUSPICIOUS' as const };
    expect(refusal(campaign(), context({ code }))).toBe('SUSPICIOUS_CODE');
    const lenient = campaign({
      risk: { openidBlacklist: [], maxClaimsPerIpPerHour: null, excludeSuspicious: false },
    });
    expect(refusal(lenient, context({ code }))).toBeNull();
  });

  it('refuses a repeat scan when only the first scan pays', () => {
    const code = { ...context().code, verdict: 'GENUINE_REPEAT' as const, isFirstScan: false };
    expect(refusal(campaign({ firstScanOnly: true }), context({ code }))).toBe('FIRST_SCAN_ONLY');
    expect(refusal(campaign({ firstScanOnly: false }), context({ code }))).toBeNull();
  });

  it('refuses an IP at its hourly limit, and applies no IP rule without an IP', () => {
    const counts = { ...context().counts, ipClaimsLastHour: 20 };
    expect(refusal(campaign(), context({ counts }))).toBe('IP_RATE_LIMITED');
    expect(
      refusal(campaign(), context({ counts: { ...counts, ipClaimsLastHour: 19 } })),
    ).toBeNull();
    expect(refusal(campaign(), context({ counts, clientIp: undefined }))).toBeNull();
  });

  it('refuses users at their daily and campaign limits', () => {
    const counts = context().counts;
    expect(refusal(campaign(), context({ counts: { ...counts, userClaimsToday: 3 } }))).toBe(
      'USER_DAILY_LIMIT',
    );
    expect(refusal(campaign(), context({ counts: { ...counts, userClaimsToday: 2 } }))).toBeNull();
    expect(refusal(campaign(), context({ counts: { ...counts, userClaimsInCampaign: 10 } }))).toBe(
      'USER_CAMPAIGN_LIMIT',
    );
  });

  it('refuses when not even the smallest amount fits the budget left', () => {
    expect(refusal(campaign(), context({ budgetRemainingFen: 99 }))).toBe('BUDGET_EXHAUSTED');
    expect(refusal(campaign(), context({ budgetRemainingFen: 100 }))).toBeNull();
  });

  it('has a Chinese message for every refusal', () => {
    for (const message of Object.values(REFUSAL_MESSAGES)) {
      expect(message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(Object.keys(REFUSAL_MESSAGES)).toHaveLength(12);
  });
});

describe('chinaDayStart', () => {
  it('starts the day at midnight in Shanghai', () => {
    expect(chinaDayStart(NOW)).toBe(Date.parse('2025-03-10T00:00:00+08:00'));
    expect(chinaDayStart(Date.parse('2025-03-10T16:30:00Z'))).toBe(
      Date.parse('2025-03-11T00:00:00+08:00'),
    );
    expect(chinaDayStart(Date.parse('2025-03-10T00:00:00+08:00'))).toBe(
      Date.parse('2025-03-10T00:00:00+08:00'),
    );
  });
});

describe('choosing a campaign', () => {
  const code = context().code;

  it('ranks range targeting first, then the earliest end, the oldest, the smallest id', () => {
    const byProduct = campaign({ id: 'p', endAt: NOW + DAY });
    const byRange = campaign({
      id: 'r',
      endAt: NOW + 9 * DAY,
      targeting: { productIds: [], rangeIds: ['r-1'] },
    });
    const endsLater = campaign({ id: 'late', endAt: NOW + 5 * DAY });
    const older = campaign({ id: 'z-old', endAt: NOW + 5 * DAY, createdAt: NOW - 9 * DAY });
    const twin = campaign({ id: 'a-twin', endAt: NOW + 5 * DAY });
    const paused = campaign({ id: 'paused', status: 'paused' });
    const elsewhere = campaign({ id: 'x', targeting: { productIds: ['p-coffee'], rangeIds: [] } });
    const ranked = rankCampaigns(
      [endsLater, paused, twin, byProduct, elsewhere, older, byRange],
      code,
      NOW,
    );
    expect(ranked.map((c) => c.id)).toEqual(['r', 'p', 'z-old', 'a-twin', 'late']);
    // The same answer whatever order the database returned them in.
    expect(
      rankCampaigns([byRange, older, twin, endsLater, byProduct], code, NOW).map((c) => c.id),
    ).toEqual(['r', 'p', 'z-old', 'a-twin', 'late']);
  });

  it('takes the first eligible campaign, passing over one whose budget is gone', () => {
    const first = campaign({ id: 'first' });
    const second = campaign({ id: 'second' });
    const selection = selectCampaign([
      { campaign: first, context: context({ budgetRemainingFen: 0 }) },
      { campaign: second, context: context() },
    ]);
    expect(selection).toEqual({ ok: true, campaign: second });
  });

  it('reports the best ranked refusal when none is eligible, NOT_TARGETED when none applies', () => {
    const first = campaign({ id: 'first' });
    const second = campaign({ id: 'second' });
    const counts = { ...context().counts, userClaimsToday: 3 };
    expect(
      selectCampaign([
        { campaign: first, context: context({ counts }) },
        { campaign: second, context: context({ budgetRemainingFen: 0 }) },
      ]),
    ).toEqual({
      ok: false,
      campaign: first,
      refusal: { code: 'USER_DAILY_LIMIT', message: REFUSAL_MESSAGES.USER_DAILY_LIMIT },
    });
    expect(selectCampaign([])).toEqual({
      ok: false,
      refusal: { code: 'NOT_TARGETED', message: '该商品未参加活动' },
    });
  });
});

describe('offerPreview', () => {
  it('shows the amount or its range only when the campaign says so', () => {
    expect(offerPreview(campaign())).toEqual({
      campaignId: 'camp-1',
      name: '扫码有礼',
      amountDisplay: 'shown',
      amountText: '1.00–5.00',
      provider: 'v2-redpacket',
    });
    expect(offerPreview(campaign({ amount: { kind: 'fixed', fen: 188 } })).amountText).toBe('1.88');
    expect(offerPreview(campaign({ amountDisplay: 'hidden-until-opened' }))).not.toHaveProperty(
      'amountText',
    );
  });
});
