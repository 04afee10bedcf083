/**
 * `rewardStats`: claims, payouts received and released, and refusals by reason, per China-time
 * hour or day, for one campaign or all — read from the `rewardRollups` kept as claims and
 * payouts happen (rewards/rollup.ts), never from raw payouts: days × shards small documents
 * whatever the number of claims.
 *
 * A claim counts in the bucket it was made in (its payout's `createdAt`); `paid`, `paidFen` and
 * `released` count the fate of those claims, whenever it came. Refusals count when they happen.
 */
import type {
  RewardFigures,
  RewardRefusalReason,
  RewardStatsRequest,
  RewardStatsResult,
} from '../../../typings/admin.js';
import { REWARD_ROLLUPS } from '../data/rollups.js';
import { fieldKey, type RewardCounters } from '../domain/rollups.js';
import { readBuckets } from '../stats/scan-stats.js';

export function rewardFigures(counters: RewardCounters | undefined): RewardFigures {
  return {
    claims: counters?.c ?? 0,
    paid: counters?.p ?? 0,
    paidFen: counters?.pf ?? 0,
    released: counters?.x ?? 0,
    refused: counters?.r ?? 0,
    refusedByReason: Object.fromEntries(
      Object.entries(counters?.rr ?? {}).filter(([, n]) => n > 0),
    ) as Partial<Record<RewardRefusalReason, number>>,
  };
}

export async function rewardStats(request: RewardStatsRequest): Promise<RewardStatsResult> {
  const part = request.campaignId ? `campaign.${fieldKey(request.campaignId)}` : 't';
  const { starts, byStart } = await readBuckets<RewardCounters>(REWARD_ROLLUPS, request, part);
  const countersOf = (start: number): RewardCounters | undefined => byStart.get(start);
  const buckets = starts.map((start) => ({
    start: new Date(start).toISOString(),
    ...rewardFigures(countersOf(start)),
  }));
  const totals = rewardFigures(
    starts.reduce<RewardCounters>((sum, start) => {
      const counters = countersOf(start);
      if (!counters) return sum;
      for (const [field, value] of Object.entries(counters)) {
        if (typeof value === 'number') {
          const key = field as 'c' | 'p' | 'pf' | 'x' | 'r';
          sum[key] = (sum[key] ?? 0) + value;
        } else if (value) {
          sum.rr ??= {};
          for (const [reason, n] of Object.entries(value as Record<string, number>))
            sum.rr[reason] = (sum.rr[reason] ?? 0) + n;
        }
      }
      return sum;
    }, {}),
  );
  return { buckets, totals };
}
