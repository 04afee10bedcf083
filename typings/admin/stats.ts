/**
 * Figures: scans and claims from write-time rollups, diversion (窜货) and 工作台.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { RewardErrorCode } from '../reward.js';
import type { ActivatedRangeView, SalesRegion } from './codes.js';

// ---------------------------------------------------------------------------------------------
// Figures (issue 12): read from write-time rollups, never from raw events

/** Buckets are China-time (Asia/Shanghai, UTC+8) hours or days. */
export type StatsGranularity = 'hour' | 'day';

/**
 * What `scanStats` can break a bucket down by. Keys: `product` a productId, `range`
 * `<applicationId>:<codeStart>` (the activated segment), `campaign` the campaignId of the best
 * running campaign targeting the code when it was scanned (the one the landing page offered),
 * `province` a province as the IP or location lookup names it (`广东省`, `北京市`, `内蒙古自治区`…).
 * A scan without one (a range bound to no product, no campaign, an unknown place) has key `-`.
 */
export type ScanStatsGroupBy = 'product' | 'range' | 'campaign' | 'province';

/** The figure a scan bucket holds. */
export interface ScanFigures {
  /** Scans recorded (ticket scans and typed codes; a re-resolved ticket counts once). */
  scans: number;
  /**
   * Distinct users who scanned in the bucket (for a key: scanned a code of that key). Exact per
   * bucket. In `totals` it is the sum of the buckets' figures: a user who scanned in two buckets
   * counts twice (for a window of one bucket — today, this hour — it is the exact distinct count).
   */
  scanners: number;
  /** Codes scanned for the very first time in the bucket. */
  firstScans: number;
}

/**
 * `scanStats` (pinned by issue 12): `from`/`to` ISO 8601, buckets cover [from, to) starting on a
 * China-time hour or midnight (at most 31 days of hours or 366 days). Without `groupBy` every
 * bucket is listed, empty ones with zeros; with it, one entry per bucket and key that had scans,
 * by start, then by scans (most first).
 */
export interface ScanStatsRequest {
  from: string;
  to: string;
  granularity: StatsGranularity;
  groupBy?: ScanStatsGroupBy;
}

export interface ScanStatsBucket extends ScanFigures {
  /** ISO 8601 start of the bucket. */
  start: string;
  /** The group's key (see ScanStatsGroupBy); only with `groupBy`. */
  key?: string;
}

export interface ScanStatsResult {
  buckets: ScanStatsBucket[];
  totals: ScanFigures;
}

/**
 * `rewardStats` (name and request pinned by issue 12): claims and money per hour or per day of
 * China time, optionally for one campaign; buckets as in `scanStats` (empty ones with zeros).
 */
export interface RewardStatsRequest {
  from: string;
  to: string;
  granularity: StatsGranularity;
  campaignId?: string;
}

/** Why claims were refused: the `reward` function's error codes. */
export type RewardRefusalReason = RewardErrorCode;

export interface RewardFigures {
  /** Claims that reserved a payout in the bucket. */
  claims: number;
  /** Of those claims, the payouts users received (whenever they received them). */
  paid: number;
  /** What those received payouts paid, in fen. */
  paidFen: number;
  /** Of those claims, the payouts that failed and gave their budget back. */
  released: number;
  /** Claims refused in the bucket, all reasons together. */
  refused: number;
  /**
   * Refused claims by reason (reasons with none are absent). For one campaign: the refusals of
   * claims that reached that campaign's rules (a claim refused before any campaign was chosen —
   * SCAN_NOT_FOUND, SCAN_EXPIRED… — counts only without `campaignId`).
   */
  refusedByReason: Partial<Record<RewardRefusalReason, number>>;
}

export interface RewardStatsBucket extends RewardFigures {
  /** ISO 8601 start of the bucket (a China-time hour or midnight). */
  start: string;
}

export interface RewardStatsResult {
  buckets: RewardStatsBucket[];
  totals: RewardFigures;
}

/**
 * `productScanStats`: who comes back, per product, over days [from, to) (China-time days, at most
 * 366). Each figure counts users once, on the day they crossed its line, so over all time they
 * are exact all-time counts, and over a window "users who became … in the window".
 */
export interface ProductScanStatsRequest {
  from: string;
  to: string;
}

export interface ProductScanFigures {
  productId: string;
  /** Users whose first scan of this product fell in the window. */
  scanners: number;
  /** Users whose second scan of this product (any code, typed or scanned) fell in the window. */
  repeatScanners: number;
  /** Repurchase: users whose second distinct code of this product was scanned in the window. */
  repurchasers: number;
  /** Scans of this product in the window. */
  scans: number;
}

export interface ProductScanStatsResult {
  /** Products with any figure in the window, most scans first. */
  products: ProductScanFigures[];
}

/**
 * `setRangeRegions`: the regions an activated segment is sold in (窜货 watch). Scans of its codes
 * placed outside every region (by IP or location; scans with no known place are never counted)
 * are counted per range and province; a province whose count reaches `alertThreshold` (default
 * 1) is an alert. `regions: []` stops the watch (counts already made stay).
 */
export interface SetRangeRegionsRequest {
  applicationId: string;
  codeStart: number;
  /** At most 50. */
  regions: SalesRegion[];
  /** 1–1,000,000 scans outside before a province is raised as an alert. */
  alertThreshold?: number;
}

export interface SetRangeRegionsResult {
  range: ActivatedRangeView;
}

/** `listDiversionAlerts`: alerts newest first (by last scan outside), optionally of one range. */
export interface ListDiversionAlertsRequest {
  applicationId?: string;
  /** With `applicationId`: one activated segment. */
  codeStart?: number;
  /** Also list provinces still below their range's threshold. */
  includeBelowThreshold?: boolean;
  /** 1–100, default 20. */
  limit?: number;
  offset?: number;
}

export interface DiversionAlertView {
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  productId?: string;
  /** Where the codes turned up, outside the range's regions. */
  province: string;
  /** The city of the latest such scan, when known. */
  lastCity?: string;
  /** Scans in that province outside the range's regions. */
  scans: number;
  /** The range's threshold now; `alerting` when `scans` reached it. */
  threshold: number;
  alerting: boolean;
  /** ISO 8601. */
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ListDiversionAlertsResult {
  alerts: DiversionAlertView[];
}

// ---------------------------------------------------------------------------------------------
// 工作台 figures

/**
 * `dashboard`: what the console home shows. "Today" is the calendar day in China time
 * (Asia/Shanghai, UTC+8) that `asOf` falls in; counts are exact at `asOf`.
 */
export interface DashboardFigures {
  /** The day counted, `YYYY-MM-DD` in China time. */
  day: string;
  /** Scans recorded today (ticket scans and typed codes; a re-resolved ticket counts once). */
  scans: number;
  /** Codes scanned for the first time today. */
  firstScans: number;
  /** Rewards claimed today: payouts created today, whatever their state now. */
  rewardsClaimed: number;
  /** Of today's claims, the payouts users received (the user has the money). */
  rewardsPaid: number;
  /** Campaigns with status `running`. */
  runningCampaigns: number;
  /** Budget not yet promised to anyone, summed over the running campaigns (fen). */
  budgetLeftFen: number;
  /** Payouts flagged for attention now (the list 发放记录 shows with its 待处理 filter). */
  flaggedPayouts: number;
  /** ISO 8601: when the figures were counted. */
  asOf: string;
}
