import type { DashboardFigures } from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';
import { formatDateTime } from '../../../utils/time';
import { FIGURE_UNITS, countText, yuanText } from '../../utils/figures';

/** 发放记录 opened on the payouts flagged for attention. */
export const FLAGGED_PAYOUTS_URL = '/admin/pages/payouts/index?flagged=1';

/** One figure card of 工作台. */
export interface FigureCard {
  key: string;
  label: string;
  value: string;
  /** A line under the value ('' for none). */
  hint: string;
  /** Where a tap leads ('' when the card is not a link). */
  url: string;
  /** Drawn in the warning colour: something waits for an operator. */
  alert: boolean;
}

/** The cards in reading order: today's traffic, today's money, then what needs attention. */
export function figureCards(figures: DashboardFigures): FigureCard[] {
  const flagged = figures.flaggedPayouts;
  return [
    {
      key: 'scans',
      label: '今日扫码',
      value: countText(figures.scans),
      hint: FIGURE_UNITS.scans,
      url: '',
      alert: false,
    },
    {
      key: 'first-scans',
      label: '今日首次扫码',
      value: countText(figures.firstScans),
      hint: FIGURE_UNITS.firstScans,
      url: '',
      alert: false,
    },
    {
      key: 'claimed',
      label: '今日领取红包',
      value: countText(figures.rewardsClaimed),
      hint: FIGURE_UNITS.claims,
      url: '',
      alert: false,
    },
    {
      key: 'paid',
      label: '今日到账',
      value: countText(figures.rewardsPaid),
      hint: FIGURE_UNITS.paid,
      url: '',
      alert: false,
    },
    {
      key: 'budget',
      label: '进行中活动剩余预算',
      value: yuanText(figures.budgetLeftFen),
      hint: `${figures.runningCampaigns} 个活动进行中`,
      url: '',
      alert: false,
    },
    {
      key: 'flagged',
      label: '待处理发放告警',
      value: countText(flagged),
      hint: flagged > 0 ? '点击查看并核对' : '暂无告警',
      url: FLAGGED_PAYOUTS_URL,
      alert: flagged > 0,
    },
  ];
}

/** The line under the cards: which day (China time) and when the figures were counted. */
export function figuresCaption(figures: DashboardFigures): string {
  return `${figures.day}（北京时间）· 更新于 ${formatDateTime(figures.asOf)}`;
}

/** Every code the figures call can meet: the common ones and the cloud call's. */
export type DashboardErrorCode =
  CommonErrorCode | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Our words for each; a code added to the contract without words fails to compile. */
export const DASHBOARD_ERROR_COPY: Readonly<Record<DashboardErrorCode, string>> = {
  INVALID_ARGUMENT: '数据请求有误，请刷新后重试',
  UNKNOWN_ACTION: '服务版本过旧，暂时无法显示数据，请稍后再试',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色不能查看工作台数据，请联系管理员',
  NOT_FOUND: '没有找到数据，请刷新后再试',
  CONFLICT: '数据正在更新，请刷新后再试',
  UPSTREAM_ERROR: '微信服务繁忙，请稍后重试',
  INTERNAL: '数据暂时无法统计，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

export function describeDashboardError(error: EnvelopeError): string {
  const copy: Readonly<Record<string, string>> = DASHBOARD_ERROR_COPY;
  return copy[error.code] ?? (error.message || '数据加载失败，请稍后重试');
}
