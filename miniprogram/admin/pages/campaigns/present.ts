import type {
  CampaignBudgetView,
  CampaignStatusKind,
  CampaignView,
  RewardStatsResult,
} from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';
import type { ChartSpec } from '../../utils/chart';
import { yuanText } from '../../utils/figures';
import { chinaDateTimeText } from './form';

/** The server's words for each status (core/rewards/campaigns.ts STATUS_LABELS). */
export const CAMPAIGN_STATUS_LABELS: Readonly<Record<CampaignStatusKind, string>> = {
  draft: '草稿',
  running: '进行中',
  paused: '已暂停',
  ended: '已结束',
};

const STATUS_TAG_TYPES: Readonly<Record<CampaignStatusKind, string>> = {
  draft: 'default',
  running: 'success',
  paused: 'warning',
  ended: 'default',
};

export interface StatusTab {
  /** '' = every status. */
  value: CampaignStatusKind | '';
  name: string;
}

export const STATUS_TABS: readonly StatusTab[] = [
  { value: '', name: '全部' },
  { value: 'draft', name: '草稿' },
  { value: 'running', name: '进行中' },
  { value: 'paused', name: '已暂停' },
  { value: 'ended', name: '已结束' },
];

/** The budget as a bar: paid, held and remaining as shares of the budget (percent widths). */
export interface BudgetBar {
  paidPct: number;
  heldPct: number;
  remainingPct: number;
  paid: string;
  held: string;
  remaining: string;
  budget: string;
  /** '' unless money was paid beyond the budget. */
  overspent: string;
}

export function budgetBar(budget: CampaignBudgetView): BudgetBar {
  const total = Math.max(budget.budgetFen, 1);
  const pct = (fen: number): number => Math.round((Math.max(fen, 0) / total) * 1000) / 10;
  return {
    paidPct: pct(budget.paidFen),
    heldPct: pct(budget.reservedFen),
    remainingPct: pct(budget.remainingFen),
    paid: yuanText(budget.paidFen),
    held: yuanText(budget.reservedFen),
    remaining: yuanText(budget.remainingFen),
    budget: yuanText(budget.budgetFen),
    overspent: budget.overspentFen ? yuanText(budget.overspentFen) : '',
  };
}

export interface CampaignRow {
  campaignId: string;
  name: string;
  statusText: string;
  statusTagType: string;
  window: string;
  bar: BudgetBar;
}

export function campaignRows(campaigns: readonly CampaignView[]): CampaignRow[] {
  return campaigns.map((campaign) => ({
    campaignId: campaign.campaignId,
    name: campaign.name,
    statusText: CAMPAIGN_STATUS_LABELS[campaign.status],
    statusTagType: STATUS_TAG_TYPES[campaign.status],
    window: `${chinaDateTimeText(campaign.startAt)} 至 ${chinaDateTimeText(campaign.endAt)}`,
    bar: budgetBar(campaign.budget),
  }));
}

/** A status change the detail page offers, with its confirmation. */
export interface StatusAction {
  to: CampaignStatusKind;
  label: string;
  buttonType: string;
  confirmTitle: string;
  confirmText: string;
  danger: boolean;
  /** Said once it is done. */
  doneText: string;
}

/** The changes the server allows from each status (core/domain/campaign.ts STATUS_CHANGES). */
export function statusActions(campaign: CampaignView): StatusAction[] {
  const name = `「${campaign.name}」`;
  const start: StatusAction = {
    to: 'running',
    label: campaign.status === 'paused' ? '恢复' : '开始',
    buttonType: 'primary',
    confirmTitle: campaign.status === 'paused' ? '恢复活动' : '开始活动',
    confirmText: `${campaign.status === 'paused' ? '恢复' : '开始'}活动${name}？开始后用户扫码即可领取奖励，预算 ${yuanText(campaign.budget.budgetFen)}。`,
    danger: false,
    doneText: campaign.status === 'paused' ? '活动已恢复' : '活动已开始',
  };
  const pause: StatusAction = {
    to: 'paused',
    label: '暂停',
    buttonType: 'warning',
    confirmTitle: '暂停活动',
    confirmText: `暂停活动${name}？暂停期间扫码不能领取奖励，可随时恢复。`,
    danger: false,
    doneText: '活动已暂停',
  };
  const end: StatusAction = {
    to: 'ended',
    label: '结束',
    buttonType: 'danger',
    confirmTitle: '结束活动',
    confirmText: `结束活动${name}？结束后不能恢复，也不能再修改，未发出的预算不再发放。此操作不可撤销。`,
    danger: true,
    doneText: '活动已结束',
  };
  switch (campaign.status) {
    case 'draft':
      return [start, end];
    case 'running':
      return [pause, end];
    case 'paused':
      return [start, end];
    case 'ended':
      return [];
  }
}

/** One day (or hour) of claims as a bar. */
export interface StatsRow {
  key: string;
  label: string;
  claims: number;
  paid: string;
  /** Bar width relative to the busiest bucket. */
  pct: number;
}

/** A day as both the chart and the rows under it read it: `03-02`, China time. */
export function dayLabel(start: string): string {
  return chinaDateTimeText(start).slice(5, 10);
}

/** Whether any day has a claim or a payout received: else the empty state stands alone. */
export function hasClaims(stats: RewardStatsResult): boolean {
  return stats.buckets.some((bucket) => bucket.claims > 0 || bucket.paid > 0);
}

/** `共 12 次领取，已发 16.50 元`; '' when nothing happened (the empty state says it). */
export function statsTotal(stats: RewardStatsResult): string {
  if (!hasClaims(stats)) return '';
  return `共 ${stats.totals.claims} 次领取，已发 ${yuanText(stats.totals.paidFen)}`;
}

/** The campaign's own curve: claims and payouts received per day, oldest first. */
export function claimsChart(stats: RewardStatsResult): ChartSpec {
  return {
    kind: 'line',
    categories: stats.buckets.map((bucket) => dayLabel(bucket.start)),
    series: [
      { name: '领取', data: stats.buckets.map((bucket) => bucket.claims) },
      { name: '已到账', data: stats.buckets.map((bucket) => bucket.paid) },
    ],
  };
}

/** Newest first; none while no day has a claim (the chart's empty state says so alone). */
export function statsRows(stats: RewardStatsResult): StatsRow[] {
  if (!hasClaims(stats)) return [];
  const most = Math.max(1, ...stats.buckets.map((bucket) => bucket.claims));
  return stats.buckets
    .map((bucket) => ({
      key: bucket.start,
      label: dayLabel(bucket.start),
      claims: bucket.claims,
      paid: yuanText(bucket.paidFen),
      pct: Math.round((bucket.claims / most) * 100),
    }))
    .reverse();
}

/** Refusals of the campaign actions (core/rewards/campaigns.ts), beside the common codes. */
export type CampaignErrorCode =
  'INVALID_CAMPAIGN' | 'CAMPAIGN_ENDED' | 'BUDGET_TOO_LOW' | 'INVALID_STATUS_CHANGE';

export type CampaignPageErrorCode =
  CampaignErrorCode | CommonErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

export const CAMPAIGN_ERROR_COPY: Readonly<Record<CampaignPageErrorCode, string>> = {
  INVALID_CAMPAIGN: '活动设置有误，请按提示修改后再保存',
  CAMPAIGN_ENDED: '活动已结束，不能再修改或重新开始',
  BUDGET_TOO_LOW: '预算不能低于已发出和预留的金额之和',
  INVALID_STATUS_CHANGE: '活动当前状态不能这样改，请刷新后再试',
  INVALID_ARGUMENT: '提交的信息有误，请检查后重试',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色没有这项权限，请联系管理员',
  NOT_FOUND: '活动不存在，可能已被删除，请返回列表刷新',
  CONFLICT: '活动刚刚发生了变化，请刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/**
 * Codes whose server message names the exact problem (which field, which status): shown as the
 * server words it, after ours.
 */
const SERVER_DETAIL: ReadonlySet<string> = new Set([
  'INVALID_CAMPAIGN',
  'INVALID_ARGUMENT',
  'INVALID_STATUS_CHANGE',
  'CONFLICT',
]);

export function describeCampaignError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = CAMPAIGN_ERROR_COPY;
  const ours = copy[error.code];
  if (!ours) return error.message || '操作失败，请稍后重试';
  return SERVER_DETAIL.has(error.code) && error.message ? `${ours}：${error.message}` : ours;
}
