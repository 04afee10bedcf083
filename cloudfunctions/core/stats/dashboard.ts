/**
 * The 工作台 figures (admin `dashboard`): today's scans and first scans, rewards claimed and paid
 * today, the budget left on running campaigns and the payouts flagged for attention.
 *
 * One round of four requests: today's scan and reward rollups (domain/rollups.ts: 16 shard
 * documents each, only the day's totals projected), the flagged payouts (an indexed count of a
 * small set: the ones an operator must look at) and the running campaigns' budgets. Nothing here
 * grows with the day's traffic.
 *
 * "Today" is the calendar day in China time (Asia/Shanghai, UTC+8, no daylight saving) that the
 * call falls in.
 */
import type { DashboardFigures } from '../../../typings/admin.js';
import { runningCampaignBudgets } from '../data/campaigns.js';
import { countFlaggedPayouts } from '../data/payout-lists.js';
import { chinaDayStart } from '../domain/campaign-eligibility.js';
import { REWARD_ROLLUPS, SCAN_ROLLUPS } from '../data/rollups.js';
import type { RewardCounters, ScanCounters } from '../domain/rollups.js';
import { readBuckets } from './scan-stats.js';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the China-time day starting at `dayStart`. */
function chinaDayLabel(dayStart: number): string {
  return new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
}

export async function dashboardFigures(now = Date.now()): Promise<DashboardFigures> {
  const start = chinaDayStart(now);
  const today = {
    from: new Date(start).toISOString(),
    to: new Date(start + DAY_MS).toISOString(),
    granularity: 'day' as const,
  };

  const [scanDay, rewardDay, flaggedPayouts, running] = await Promise.all([
    readBuckets<ScanCounters>(SCAN_ROLLUPS, today, 't'),
    readBuckets<RewardCounters>(REWARD_ROLLUPS, today, 't'),
    countFlaggedPayouts(),
    runningCampaignBudgets(),
  ]);

  const scans = scanDay.byStart.get(start);
  const rewards = rewardDay.byStart.get(start);
  return {
    day: chinaDayLabel(start),
    scans: scans?.s ?? 0,
    firstScans: scans?.f ?? 0,
    rewardsClaimed: rewards?.c ?? 0,
    rewardsPaid: rewards?.p ?? 0,
    runningCampaigns: running.length,
    budgetLeftFen: running.reduce((sum, campaign) => sum + (campaign.remainingFen ?? 0), 0),
    flaggedPayouts,
    asOf: new Date(now).toISOString(),
  };
}
