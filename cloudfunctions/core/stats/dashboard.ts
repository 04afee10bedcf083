/**
 * The 工作台 figures (admin `dashboard`): today's scans and first scans, rewards claimed and paid
 * today, the budget left on running campaigns and the payouts flagged for attention.
 *
 * One round: six database requests sent side by side, each a count (or, for the budget, one
 * projected read of the running campaigns) on an index declared in data/collections.ts
 * (`scans.scanned_at`, `codes.first_scanned_at`, `payouts.created_at`, `payouts.state_since`,
 * `payouts.flagged_at` + `payouts.flag_reason`, `campaigns.status`). Counts read no documents,
 * so the cost does not grow with the day's traffic the way reading raw events would, but they
 * still walk the index: at a national peak that is millions of entries per call. Issue 12
 * replaces this with per-day rollups kept with `_.inc` (ARCHITECTURE: counters dashboards read
 * are pre-aggregated); the response stays the same.
 *
 * "Today" is the calendar day in China time (Asia/Shanghai, UTC+8, no daylight saving) that the
 * call falls in.
 */
import type { DashboardFigures } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import { serverWritten } from '../data/client-writes.js';
import { chinaDayStart } from '../domain/campaign.js';

const DAY_MS = 86_400_000;
/** Running campaigns read for the budget: the SDK's most per request. */
const RUNNING_CAMPAIGNS_READ = 1000;

/** `YYYY-MM-DD` of the China-time day starting at `dayStart`. */
function chinaDayLabel(dayStart: number): string {
  return new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
}

export async function dashboardFigures(now = Date.now()): Promise<DashboardFigures> {
  const database = db();
  const _ = database.command;
  const start = chinaDayStart(now);
  const today = _.gte(start).and(_.lt(start + DAY_MS));
  const count = async (collection: string, where: Record<string, unknown>): Promise<number> => {
    const { total } = await database
      .collection(collection)
      .where({ ...where, ...serverWritten() })
      .count();
    return total;
  };

  const [scans, firstScans, rewardsClaimed, rewardsPaid, flaggedPayouts, running] =
    await Promise.all([
      count('scans', { scannedAt: today }),
      count('codes', { firstScannedAt: today }),
      // Fences (data/payouts.ts fenceHold) share the collection but are not payouts.
      count('payouts', { createdAt: today, fence: _.exists(false) }),
      count('payouts', { state: 'received', stateSince: today }),
      // The same condition as listFlaggedPayouts, so the figure matches 发放记录's flagged list.
      database
        .collection('payouts')
        .where(
          _.or([
            {
              flaggedAt: _.exists(true),
              state: _.nin(['received', 'budget_released']),
              ...serverWritten(),
            },
            { flagReason: _.exists(true), ...serverWritten() },
          ]),
        )
        .count()
        .then(({ total }) => total),
      database
        .collection('campaigns')
        .where({ status: 'running', ...serverWritten() })
        .field({ remainingFen: true })
        .limit(RUNNING_CAMPAIGNS_READ)
        .get()
        .then(({ data }) => data as { remainingFen?: number }[]),
    ]);

  return {
    day: chinaDayLabel(start),
    scans,
    firstScans,
    rewardsClaimed,
    rewardsPaid,
    runningCampaigns: running.length,
    budgetLeftFen: running.reduce((sum, campaign) => sum + (campaign.remainingFen ?? 0), 0),
    flaggedPayouts,
    asOf: new Date(now).toISOString(),
  };
}
