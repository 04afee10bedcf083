import type {
  DataExportKind,
  ProductScanFigures,
  DiversionAlertView,
  ExportProgress,
  RewardStatsResult,
  ScanStatsBucket,
  ScanStatsResult,
  StatsGranularity,
} from '../../../../typings/admin';
import type { CommonErrorCode, EnvelopeError } from '../../../../typings/envelope';
import type { ClientErrorCode } from '../../../services/cloud';
import type { ChartSpec } from '../../utils/chart';
import { FIGURE_UNITS, countText, yuanText } from '../../utils/figures';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China time (UTC+8, no daylight saving): the buckets' time zone. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** scanStats gives hours for at most 31 days. */
export const MAX_HOUR_DAYS = 31;
export const MAX_RANGE_DAYS = 366;

export type RangePreset = 'today' | '7d' | '30d' | 'custom';

export const RANGE_PRESETS: readonly { value: RangePreset; name: string }[] = [
  { value: 'today', name: '今天' },
  { value: '7d', name: '近7天' },
  { value: '30d', name: '近30天' },
  { value: 'custom', name: '自定义' },
];

/** Midnight China time of the day `at` falls in. */
export function chinaMidnight(at: number): number {
  return at - ((at + CHINA_OFFSET_MS) % DAY_MS);
}

/** `YYYY-MM-DD` of `at` in China time (what a date picker shows). */
export function chinaDate(at: number): string {
  return new Date(at + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** Midnight China time of a picker's `YYYY-MM-DD`. */
export function parseChinaDate(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

export interface StatsRange {
  from: number;
  /** Exclusive: midnight after the last day. */
  to: number;
  days: number;
}

/** The days a preset covers up to today (China time); custom: the picked first and last day. */
export function rangeOf(
  preset: RangePreset,
  now: number,
  custom?: { fromDate: string; toDate: string },
): StatsRange {
  const tomorrow = chinaMidnight(now) + DAY_MS;
  if (preset === 'custom' && custom) {
    const from = parseChinaDate(custom.fromDate);
    const to = parseChinaDate(custom.toDate) + DAY_MS;
    return { from, to, days: Math.round((to - from) / DAY_MS) };
  }
  const days = preset === 'today' ? 1 : preset === '7d' ? 7 : 30;
  return { from: tomorrow - days * DAY_MS, to: tomorrow, days };
}

/** Why a custom range cannot be read, in words; '' when it can. */
export function rangeProblem(range: StatsRange): string {
  if (!(range.to > range.from)) return '结束日期不能早于开始日期';
  if (range.days > MAX_RANGE_DAYS) return `一次最多查看 ${MAX_RANGE_DAYS} 天`;
  return '';
}

/** Hours read for a day or a few; days beyond a week, and always beyond what hours allow. */
export function defaultGranularity(range: StatsRange): StatsGranularity {
  return range.days <= 2 ? 'hour' : 'day';
}

export function allowedGranularity(range: StatsRange, wanted: StatsGranularity): StatsGranularity {
  return wanted === 'hour' && range.days > MAX_HOUR_DAYS ? 'day' : wanted;
}

/** A bucket's label on the x axis: `14时` for hours (with the day when several), `3/14` for days. */
export function bucketLabel(start: string, granularity: StatsGranularity, days: number): string {
  const china = new Date(Date.parse(start) + CHINA_OFFSET_MS);
  const month = china.getUTCMonth() + 1;
  const day = china.getUTCDate();
  if (granularity === 'day') return `${month}/${day}`;
  const hour = `${china.getUTCHours()}时`;
  return days > 1 ? `${month}/${day} ${hour}` : hour;
}

export function scanTrendChart(
  scan: ScanStatsResult,
  granularity: StatsGranularity,
  days: number,
): ChartSpec {
  return {
    kind: 'line',
    categories: scan.buckets.map((bucket) => bucketLabel(bucket.start, granularity, days)),
    series: [
      { name: '扫码次数', data: scan.buckets.map((bucket) => bucket.scans) },
      { name: '扫码人数', data: scan.buckets.map((bucket) => bucket.scanners) },
      { name: '首次扫码', data: scan.buckets.map((bucket) => bucket.firstScans) },
    ],
  };
}

export function rewardTrendChart(
  reward: RewardStatsResult,
  granularity: StatsGranularity,
  days: number,
): ChartSpec {
  return {
    kind: 'column',
    categories: reward.buckets.map((bucket) => bucketLabel(bucket.start, granularity, days)),
    series: [
      { name: '领取', data: reward.buckets.map((bucket) => bucket.claims) },
      { name: '已到账', data: reward.buckets.map((bucket) => bucket.paid) },
    ],
  };
}

export interface FigureCard {
  key: string;
  label: string;
  value: string;
  hint: string;
}

export function figureCards(
  scan: ScanStatsResult,
  reward: RewardStatsResult | null,
  single: boolean,
): FigureCard[] {
  const cards: FigureCard[] = [
    {
      key: 'scans',
      label: '扫码次数',
      value: countText(scan.totals.scans),
      hint: FIGURE_UNITS.scans,
    },
    {
      key: 'scanners',
      label: '扫码人数',
      value: countText(scan.totals.scanners),
      // Summed over buckets: a user in two buckets counts twice (the contract says so).
      hint: single ? '' : '按时段累计',
    },
    {
      key: 'first-scans',
      label: '首次扫码',
      value: countText(scan.totals.firstScans),
      hint: FIGURE_UNITS.firstScans,
    },
  ];
  if (reward) {
    cards.push(
      {
        key: 'claims',
        label: '红包领取',
        value: countText(reward.totals.claims),
        hint: FIGURE_UNITS.claims,
      },
      {
        key: 'paid',
        label: '已到账',
        value: yuanText(reward.totals.paidFen),
        hint: `${countText(reward.totals.paid)} ${FIGURE_UNITS.paid}`,
      },
      {
        key: 'refused',
        label: '被拒领取',
        value: countText(reward.totals.refused),
        hint: FIGURE_UNITS.refused,
      },
    );
  }
  return cards;
}

export interface BreakdownRow {
  key: string;
  name: string;
  scans: number;
  firstScans: number;
  /** Share of all scans in the list, percent with one decimal (bar width). */
  pct: number;
}

/** A `groupBy` answer summed per key over the period, most scans first. */
export function breakdownRows(
  buckets: readonly ScanStatsBucket[],
  names: Readonly<Record<string, string>>,
  unknownName: string,
  limit = 10,
): BreakdownRow[] {
  const sums = new Map<string, { scans: number; firstScans: number }>();
  for (const bucket of buckets) {
    const key = bucket.key ?? '-';
    const sum = sums.get(key) ?? { scans: 0, firstScans: 0 };
    sum.scans += bucket.scans;
    sum.firstScans += bucket.firstScans;
    sums.set(key, sum);
  }
  const total = [...sums.values()].reduce((all, sum) => all + sum.scans, 0) || 1;
  return [...sums]
    .sort((a, b) => b[1].scans - a[1].scans || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([key, sum]) => ({
      key,
      name: key === '-' ? unknownName : (names[key] ?? key),
      scans: sum.scans,
      firstScans: sum.firstScans,
      pct: Math.round((sum.scans / total) * 1000) / 10,
    }));
}

/**
 * Who came back to each product in the period, as a line under its row: users who scanned it a
 * second time (回头客) and who scanned a second code of it (复购). Empty when neither happened.
 */
export function loyaltyLines(figures: readonly ProductScanFigures[]): Record<string, string> {
  const lines: Record<string, string> = {};
  for (const product of figures) {
    if (product.repeatScanners === 0 && product.repurchasers === 0) continue;
    lines[product.productId] =
      `${product.scanners} 人首次扫码 · 回头客 ${product.repeatScanners} 人 · 复购 ${product.repurchasers} 人`;
  }
  return lines;
}

export interface HeatCell {
  hour: number;
  scans: number;
  /** 0 (none) to 4 (the busiest hour). */
  level: number;
}

/** Scans by hour of the day (China time) over the period: 24 cells, shaded by share of the peak. */
export function hourHeat(buckets: readonly { start: string; scans: number }[]): HeatCell[] {
  const scans = Array.from({ length: 24 }, () => 0);
  for (const bucket of buckets) {
    const hour = new Date(Date.parse(bucket.start) + CHINA_OFFSET_MS).getUTCHours();
    scans[hour]! += bucket.scans;
  }
  const peak = Math.max(...scans);
  return scans.map((count, hour) => ({
    hour,
    scans: count,
    level: count === 0 || peak === 0 ? 0 : Math.max(1, Math.ceil((count / peak) * 4)),
  }));
}

export interface AlertRow {
  key: string;
  title: string;
  place: string;
  scans: number;
  threshold: number;
  firstSeen: string;
  lastSeen: string;
}

/** `3月14日 09:05` in China time. */
export function chinaDateTime(iso: string): string {
  const china = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${china.getUTCMonth() + 1}月${china.getUTCDate()}日 ${pad(china.getUTCHours())}:${pad(china.getUTCMinutes())}`;
}

export function alertRows(
  alerts: readonly DiversionAlertView[],
  productNames: Readonly<Record<string, string>>,
): AlertRow[] {
  return alerts.map((alert) => ({
    key: `${alert.applicationId}:${alert.codeStart}:${alert.province}`,
    title: `${alert.productId ? (productNames[alert.productId] ?? '未知商品') : '未绑定商品'} · 码段 ${alert.codeStart}–${alert.codeEnd}`,
    place: alert.lastCity ? `${alert.province} ${alert.lastCity}` : alert.province,
    scans: alert.scans,
    threshold: alert.threshold,
    firstSeen: chinaDateTime(alert.firstSeenAt),
    lastSeen: chinaDateTime(alert.lastSeenAt),
  }));
}

// ---------------------------------------------------------------------------------------------
// Exports

export const EXPORT_KINDS: readonly { value: DataExportKind; name: string; desc: string }[] = [
  { value: 'scans', name: '扫码记录', desc: '每次扫码一行：时间、码、OpenID、方式、码段' },
  { value: 'payouts', name: '红包发放', desc: '每笔领取一行：活动、码、OpenID、金额、状态' },
  { value: 'scanners', name: '扫码用户', desc: '每位用户每个码一行：OpenID、码、首次扫码时间' },
];

const EXPORT_STATE_TEXT = { running: '导出中', done: '已完成', failed: '失败' } as const;

export interface ExportRow {
  exportId: string;
  title: string;
  state: ExportProgress['state'];
  stateText: string;
  /** 0–100. */
  pct: number;
  progressText: string;
  files: { name: string; url: string; size: string }[];
  linksNote: string;
  error: string;
}

function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function exportRow(progress: ExportProgress): ExportRow {
  // The plan is an estimate (from the rollups); once the rows pass it, only the rows done count.
  const estimate = progress.rowsPlanned > progress.rowsDone ? progress.rowsPlanned : 0;
  const pct =
    progress.state === 'done'
      ? 100
      : estimate === 0
        ? 0
        : Math.min(99, Math.floor((progress.rowsDone / estimate) * 100));
  return {
    exportId: progress.exportId,
    title: progress.title,
    state: progress.state,
    stateText: EXPORT_STATE_TEXT[progress.state],
    pct,
    progressText:
      progress.state === 'done'
        ? `共 ${progress.rowsDone} 行，${progress.filesDone} 个文件`
        : estimate > 0
          ? `已导出 ${progress.rowsDone} / 约 ${estimate} 行，${progress.filesDone} 个文件`
          : `已导出 ${progress.rowsDone} 行，${progress.filesDone} 个文件`,
    files: progress.files.map((file) => ({
      name: file.name,
      url: file.url,
      size: sizeText(file.bytes),
    })),
    linksNote: progress.linksExpireAt
      ? `链接有效至 ${chinaDateTime(progress.linksExpireAt)}，过期后重新打开本页即可获取新链接`
      : '',
    error: progress.error ?? '',
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

export type StatsPageErrorCode =
  | 'EXPORT_IN_PROGRESS'
  | 'EXPORT_NOT_FOUND'
  | CommonErrorCode
  | (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Our words for each code the 数据 and 导出 pages can meet (a new code without words fails tsc). */
export const STATS_ERROR_COPY: Readonly<Record<StatsPageErrorCode, string>> = {
  EXPORT_IN_PROGRESS: '你已有一个导出正在进行，请等它完成后再导出',
  EXPORT_NOT_FOUND: '导出记录不存在或不是你发起的',
  INVALID_ARGUMENT: '查询条件有误，请检查日期后重试',
  UNKNOWN_ACTION: '服务版本过旧，请稍后再试或联系技术支持',
  UNAUTHENTICATED: '无法识别你的微信身份，请重新打开小程序',
  FORBIDDEN: '你的角色没有这项权限，请联系管理员',
  NOT_FOUND: '所选商品或活动不存在，请刷新后再试',
  CONFLICT: '数据刚被他人修改，请刷新后再试',
  UPSTREAM_ERROR: '服务繁忙，请稍后重试',
  INTERNAL: '服务暂时不可用，请稍后重试',
  NETWORK_ERROR: '网络异常，请检查网络后下拉刷新',
  BAD_REPLY: '服务返回了无法识别的结果，请稍后重试',
  CLOUD_UNAVAILABLE: '当前微信版本过低，无法连接服务，请升级微信后重试',
};

/** Our words for an error; a code we do not know keeps the server's own Chinese message. */
export function describeStatsError(error: EnvelopeError | null): string {
  if (!error) return '';
  // The server says which field is wrong (e.g. 一次最多导出一年的数据): more useful than ours.
  if (error.code === 'INVALID_ARGUMENT' && error.message) return error.message;
  const copy: Readonly<Record<string, string>> = STATS_ERROR_COPY;
  return copy[error.code] ?? (error.message || '读取失败，请稍后重试');
}
