/**
 * `rewardStats`: claims and money paid per China-time hour or day, for one campaign or all.
 *
 * Interim implementation: one database aggregate over the `payouts` collection per call, bounded by
 * the window (at most MAX_BUCKETS buckets; the `campaign_time` / `created_at` indexes narrow the
 * match). Issue 12 replaces it with rollups written at claim time (`_.inc` per campaign and hour),
 * so that dashboards never scan raw payouts; the request and reply shapes stay as they are.
 *
 * A claim counts in the bucket its payout was reserved in (`createdAt`); `paidFen` sums the
 * payouts of those claims that users received, whenever they received them.
 */
import type { RewardStatsRequest, RewardStatsResult } from '../../../typings/admin.js';
import { claimBuckets } from '../data/payouts.js';
import { AppError } from '../errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** China time is UTC+8 all year (no daylight saving). */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

/** 31 days of hours, or a little over a year of days: a page of figures, never a scan of history. */
export const MAX_BUCKETS: Readonly<Record<RewardStatsRequest['granularity'], number>> = {
  hour: 31 * 24,
  day: 366,
};

const UNIT_MS: Readonly<Record<RewardStatsRequest['granularity'], number>> = {
  hour: HOUR_MS,
  day: DAY_MS,
};

/** The start (epoch ms) of the China-time hour or day `at` falls in. */
export function bucketStartOf(at: number, unitMs: number): number {
  return at - ((((at + CHINA_OFFSET_MS) % unitMs) + unitMs) % unitMs);
}

/** Every bucket start covering [from, to), in order. */
export function bucketStarts(from: number, to: number, unitMs: number): number[] {
  const starts: number[] = [];
  for (let start = bucketStartOf(from, unitMs); start < to; start += unitMs) starts.push(start);
  return starts;
}

export async function rewardStats(request: RewardStatsRequest): Promise<RewardStatsResult> {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (!(from < to)) {
    throw new AppError('INVALID_ARGUMENT', '统计的结束时间须晚于开始时间');
  }
  const unitMs = UNIT_MS[request.granularity];
  const starts = bucketStarts(from, to, unitMs);
  const max = MAX_BUCKETS[request.granularity];
  if (starts.length > max) {
    const span = request.granularity === 'hour' ? '按小时最多统计 31 天' : '按天最多统计 366 天';
    throw new AppError('INVALID_ARGUMENT', `统计时间范围过大：${span}`);
  }
  const rows = await claimBuckets({
    from,
    to,
    unitMs,
    ...(request.campaignId ? { campaignId: request.campaignId } : {}),
  });
  const byStart = new Map(rows.map((row) => [row.start, row]));
  const buckets = starts.map((start) => ({
    start: new Date(start).toISOString(),
    claims: byStart.get(start)?.claims ?? 0,
    paidFen: byStart.get(start)?.paidFen ?? 0,
    // Filled from the rollups (issue 12) in the same change that adds them.
    paid: 0,
    released: 0,
    refused: 0,
    refusedByReason: {},
  }));
  return {
    buckets,
    totals: {
      claims: buckets.reduce((sum, bucket) => sum + bucket.claims, 0),
      paidFen: buckets.reduce((sum, bucket) => sum + bucket.paidFen, 0),
      paid: 0,
      released: 0,
      refused: 0,
      refusedByReason: {},
    },
  };
}
