import type {
  AmountRuleInput,
  CampaignFields,
  CampaignPayoutSettings,
  CampaignView,
} from '../../../../typings/admin';
import type { CampaignDraft, Provider, TierDraft } from './draft';
import {
  PROVIDER_TEXT_FIELDS,
  TEXT_LIMITS,
  composeChinaTime,
  fenToYuan,
  measureText,
  splitChinaTime,
  yuanToFen,
} from './draft';

/**
 * The campaign form as pure data: how what the inputs hold (draft.ts, re-exported here) becomes
 * the `CampaignFields` the server takes, and the same checks the server makes
 * (core/domain/campaign-validation.ts validateCampaign, core/domain/amount.ts) so a marketer
 * learns of a problem before saving. The server stays the judge: its refusal is shown as it words it.
 */

export * from './draft';

// Rules mirrored from the server (core/domain/campaign-validation.ts, amount.ts).

export const PROVIDER_AMOUNT_LIMITS: Readonly<
  Record<Provider, { minFen: number; maxFen: number }>
> = {
  'v2-redpacket': { minFen: 100, maxFen: 20_000 },
  'v3-transfer': { minFen: 10, maxFen: 20_000 },
};
export const V2_MAX_PER_USER_PER_DAY = 10;
export const MAX_NAME_LENGTH = 32;
export const MAX_TIERS = 20;
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

/** Problems by field key (the form shows each under its field); empty = may be saved. */
export type DraftIssues = Partial<Record<string, string>>;

const positiveInt = (text: string): number | null =>
  /^\d{1,9}$/.test(text.trim()) && Number(text) > 0 ? Number(text) : null;

/** The amount rule in fen, or the issues that keep it from being one. */
function amountRule(draft: CampaignDraft, issues: DraftIssues): AmountRuleInput | null {
  const fen = (text: string, key: string, label: string): number | null => {
    const value = yuanToFen(text);
    if (value === null || value <= 0) {
      issues[key] = `${label}须为大于 0 的金额（最多两位小数）`;
      return null;
    }
    return value;
  };
  switch (draft.amountKind) {
    case 'fixed': {
      const value = fen(draft.fixedYuan, 'fixedYuan', '固定金额');
      return value === null ? null : { kind: 'fixed', fen: value };
    }
    case 'uniform': {
      const min = fen(draft.minYuan, 'minYuan', '最小金额');
      const max = fen(draft.maxYuan, 'maxYuan', '最大金额');
      if (min === null || max === null) return null;
      if (min > max) {
        issues.maxYuan = '最小金额不能大于最大金额';
        return null;
      }
      return { kind: 'uniform', minFen: min, maxFen: max };
    }
    case 'tiers': {
      if (draft.tiers.length === 0) issues.tiers = '请至少设置一档金额';
      if (draft.tiers.length > MAX_TIERS) issues.tiers = `金额档位最多 ${MAX_TIERS} 档`;
      const tiers = draft.tiers.map((tier, i) => {
        const value = fen(tier.yuan, `tier.${i}.yuan`, `第 ${i + 1} 档金额`);
        const weight = positiveInt(tier.weight);
        if (weight === null) issues[`tier.${i}.weight`] = `第 ${i + 1} 档权重须为正整数`;
        return value === null || weight === null ? null : { fen: value, weight };
      });
      if (issues.tiers || tiers.some((tier) => tier === null)) return null;
      return {
        kind: 'tiers',
        tiers: tiers as Extract<AmountRuleInput, { kind: 'tiers' }>['tiers'],
      };
    }
  }
}

function bounds(rule: AmountRuleInput): { minFen: number; maxFen: number } {
  switch (rule.kind) {
    case 'fixed':
      return { minFen: rule.fen, maxFen: rule.fen };
    case 'uniform':
      return { minFen: rule.minFen, maxFen: rule.maxFen };
    case 'tiers': {
      const amounts = rule.tiers.map((tier) => tier.fen);
      return { minFen: Math.min(...amounts), maxFen: Math.max(...amounts) };
    }
  }
}

/** The expected amount per reward in fen (a real number), or null while the rule is unfinished. */
export function expectedAverageFen(draft: CampaignDraft): number | null {
  const rule = amountRule(draft, {});
  if (!rule) return null;
  switch (rule.kind) {
    case 'fixed':
      return rule.fen;
    case 'uniform':
      return (rule.minFen + rule.maxFen) / 2;
    case 'tiers': {
      const total = rule.tiers.reduce((sum, tier) => sum + tier.weight, 0);
      return rule.tiers.reduce((sum, tier) => sum + tier.fen * tier.weight, 0) / total;
    }
  }
}

/** Each tier's chance as `25.0%` ('' while its weight is not a positive integer). */
export function tierChances(tiers: readonly TierDraft[]): string[] {
  const weights = tiers.map((tier) => positiveInt(tier.weight));
  const total = weights.reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
  return weights.map((weight) =>
    weight === null || total === 0 ? '' : `${((weight / total) * 100).toFixed(1)}%`,
  );
}

export interface CheckContext {
  /** Money already paid or held (fen): the budget cannot go below it. */
  committedFen: number;
}

/** The fields to send, or the problems to show (same rules as the server's validateCampaign). */
export function checkDraft(
  draft: CampaignDraft,
  context: CheckContext = { committedFen: 0 },
): { ok: true; fields: CampaignFields } | { ok: false; issues: DraftIssues } {
  const issues: DraftIssues = {};
  const name = draft.name.trim();
  if (name.length === 0) issues.name = '请填写活动名称';
  else if ([...name].length > MAX_NAME_LENGTH) issues.name = `活动名称最多 ${MAX_NAME_LENGTH} 个字`;

  const startAt = composeChinaTime(draft.startDate, draft.startTime);
  const endAt = composeChinaTime(draft.endDate, draft.endTime);
  if (!startAt) issues.start = '请选择开始日期和时间';
  if (!endAt) issues.end = '请选择结束日期和时间';
  if (startAt && endAt && Date.parse(startAt) >= Date.parse(endAt)) {
    issues.end = '结束时间须晚于开始时间';
  }

  const budgetFen = yuanToFen(draft.budgetYuan);
  if (budgetFen === null || budgetFen <= 0) {
    issues.budget = '预算须为大于 0 的金额（最多两位小数）';
  }
  const amount = amountRule(draft, issues);
  if (amount) {
    const { minFen, maxFen } = bounds(amount);
    const limits = PROVIDER_AMOUNT_LIMITS[draft.provider];
    if (minFen < limits.minFen || maxFen > limits.maxFen) {
      const what = draft.provider === 'v2-redpacket' ? '红包' : '转账';
      issues.amount = `${what}金额须在 ${fenToYuan(limits.minFen)}–${fenToYuan(limits.maxFen)} 元之间`;
    }
    if (budgetFen !== null && budgetFen > 0 && budgetFen < minFen) {
      issues.budget = `预算不少于最小单笔金额 ${fenToYuan(minFen)} 元`;
    }
  }
  if (budgetFen !== null && budgetFen > 0 && budgetFen < context.committedFen) {
    issues.budget = `预算不能低于已发出和预留的 ${fenToYuan(context.committedFen)} 元`;
  }

  if (draft.productIds.length === 0 && draft.rangeIds.length === 0) {
    issues.targeting = '请至少选择一个商品或码段';
  }

  const perDay = positiveInt(draft.perUserPerDay);
  const perCampaign = positiveInt(draft.perUserPerCampaign);
  if (perDay === null) issues.perUserPerDay = '每人每日次数须为正整数';
  if (perCampaign === null) issues.perUserPerCampaign = '每人每活动次数须为正整数';
  if (perDay !== null && perCampaign !== null && perDay > perCampaign) {
    issues.perUserPerDay = '每人每日次数不能大于每人每活动次数';
  }
  if (draft.provider === 'v2-redpacket' && perDay !== null && perDay > V2_MAX_PER_USER_PER_DAY) {
    issues.perUserPerDay = `红包每人每日最多 ${V2_MAX_PER_USER_PER_DAY} 个（微信限制）`;
  }

  const ipText = draft.maxClaimsPerIpPerHour.trim();
  const ipLimit = ipText === '' ? null : positiveInt(ipText);
  if (ipText !== '' && ipLimit === null) {
    issues.maxClaimsPerIpPerHour = '同一 IP 每小时次数须为正整数（留空为不限）';
  }
  const blacklist = draft.blacklist
    .split(/[\s,，]+/)
    .map((openid) => openid.trim())
    .filter((openid) => openid.length > 0);
  if (blacklist.some((openid) => openid.length > 64)) {
    issues.blacklist = 'openid 最长 64 个字符，请每行填写一个';
  }

  for (const field of PROVIDER_TEXT_FIELDS[draft.provider]) {
    const limit = TEXT_LIMITS[field];
    const value = draft[field];
    if (value.trim().length === 0) issues[field] = `请填写${limit.label}`;
    else if (measureText(value, limit.measure) > limit.max) {
      issues[field] =
        limit.measure === 'bytes'
          ? `${limit.label}最多 ${limit.max} 字节（约 ${Math.floor(limit.max / 3)} 个汉字）`
          : `${limit.label}最多 ${limit.max} 个字`;
    }
  }
  if (draft.provider === 'v2-redpacket' && draft.sceneId && !V2_SCENE_IDS.includes(draft.sceneId)) {
    issues.sceneId = '红包场景须为 PRODUCT_1 至 PRODUCT_8';
  }

  if (Object.keys(issues).length > 0 || !startAt || !endAt || !amount || budgetFen === null) {
    return { ok: false, issues };
  }
  const payout: CampaignPayoutSettings =
    draft.provider === 'v2-redpacket'
      ? {
          provider: 'v2-redpacket',
          sendName: draft.sendName,
          wishing: draft.wishing,
          actName: draft.actName,
          remark: draft.remark,
          ...(draft.sceneId ? { sceneId: draft.sceneId } : {}),
        }
      : {
          provider: 'v3-transfer',
          transferRemark: draft.transferRemark,
          reportActivityName: draft.reportActivityName,
          reportRewardDescription: draft.reportRewardDescription,
          userRecvPerception: draft.userRecvPerception,
        };
  return {
    ok: true,
    fields: {
      name,
      startAt,
      endAt,
      budgetFen,
      amount,
      firstScanOnly: draft.firstScanOnly,
      allowTypedCodes: draft.allowTypedCodes,
      amountDisplay: draft.amountHidden ? 'hidden-until-opened' : 'shown',
      targeting: { productIds: [...draft.productIds], rangeIds: [...draft.rangeIds] },
      limits: { perUserPerDay: perDay ?? 0, perUserPerCampaign: perCampaign ?? 0 },
      payout,
      risk: {
        openidBlacklist: blacklist,
        maxClaimsPerIpPerHour: ipLimit,
        excludeSuspicious: draft.excludeSuspicious,
      },
    },
  };
}

/** A new campaign's form: starts at the next hour, runs 30 days, 1 元 per scan, WeChat transfer. */
export function emptyDraft(now: number): CampaignDraft {
  const hour = 3_600_000;
  const start = splitChinaTime(new Date(Math.ceil(now / hour) * hour).toISOString());
  const end = splitChinaTime(new Date(Math.ceil(now / hour) * hour + 30 * 24 * hour).toISOString());
  return {
    name: '',
    startDate: start.date,
    startTime: start.time,
    endDate: end.date,
    endTime: end.time,
    budgetYuan: '',
    amountKind: 'fixed',
    fixedYuan: '1.00',
    minYuan: '',
    maxYuan: '',
    tiers: [
      { yuan: '1.00', weight: '90' },
      { yuan: '10.00', weight: '10' },
    ],
    firstScanOnly: true,
    allowTypedCodes: false,
    amountHidden: false,
    productIds: [],
    rangeIds: [],
    perUserPerDay: '3',
    perUserPerCampaign: '10',
    maxClaimsPerIpPerHour: '',
    excludeSuspicious: true,
    blacklist: '',
    provider: 'v3-transfer',
    sendName: '',
    wishing: '',
    actName: '',
    remark: '',
    sceneId: '',
    transferRemark: '',
    reportActivityName: '',
    reportRewardDescription: '',
    userRecvPerception: '现金奖励',
  };
}

/** The form of an existing campaign, every field as stored. */
export function draftOf(campaign: CampaignView): CampaignDraft {
  const start = splitChinaTime(campaign.startAt);
  const end = splitChinaTime(campaign.endAt);
  const base = emptyDraft(Date.parse(campaign.startAt));
  const amount = campaign.amount;
  const payout = campaign.payout;
  return {
    ...base,
    name: campaign.name,
    startDate: start.date,
    startTime: start.time,
    endDate: end.date,
    endTime: end.time,
    budgetYuan: fenToYuan(campaign.budgetFen),
    amountKind: amount.kind,
    fixedYuan: amount.kind === 'fixed' ? fenToYuan(amount.fen) : base.fixedYuan,
    minYuan: amount.kind === 'uniform' ? fenToYuan(amount.minFen) : '',
    maxYuan: amount.kind === 'uniform' ? fenToYuan(amount.maxFen) : '',
    tiers:
      amount.kind === 'tiers'
        ? amount.tiers.map((tier) => ({ yuan: fenToYuan(tier.fen), weight: String(tier.weight) }))
        : base.tiers,
    firstScanOnly: campaign.firstScanOnly,
    allowTypedCodes: campaign.allowTypedCodes,
    amountHidden: campaign.amountDisplay === 'hidden-until-opened',
    productIds: [...campaign.targeting.productIds],
    rangeIds: [...campaign.targeting.rangeIds],
    perUserPerDay: String(campaign.limits.perUserPerDay),
    perUserPerCampaign: String(campaign.limits.perUserPerCampaign),
    maxClaimsPerIpPerHour:
      campaign.risk.maxClaimsPerIpPerHour === null
        ? ''
        : String(campaign.risk.maxClaimsPerIpPerHour),
    excludeSuspicious: campaign.risk.excludeSuspicious,
    blacklist: campaign.risk.openidBlacklist.join('\n'),
    provider: payout.provider,
    ...(payout.provider === 'v2-redpacket'
      ? {
          sendName: payout.sendName,
          wishing: payout.wishing,
          actName: payout.actName,
          remark: payout.remark,
          sceneId: payout.sceneId ?? '',
        }
      : {
          transferRemark: payout.transferRemark,
          reportActivityName: payout.reportActivityName,
          reportRewardDescription: payout.reportRewardDescription,
          userRecvPerception: payout.userRecvPerception,
        }),
  };
}
