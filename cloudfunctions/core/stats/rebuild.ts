/**
 * Recomputes every rollup from raw data — `scans` (with the keys each was counted under and its
 * place), `codes` (which scan was each code's first), `payouts` and `claimRefusals` — with the same
 * rules the live counting uses (domain/rollups.ts), then replaces `scanRollups`,
 * `scanHourRollups` (its folds of hours by key too: the next reads make them again),
 * `rewardRollups` and `scannerMarks` with the result. Run by `npm run stats:rebuild`
 * (local/tools/stats-rebuild.ts) against a quiet system: scans counted while it runs may be lost
 * from the figures.
 *
 * Scans are replayed in the order they were recorded (scannedAt, then id), which is the order the
 * live marks saw them except between two scans of one user within the same millisecond range; such
 * scans share their buckets, so every bucket's figures come out the same.
 */
import type { PayoutRecord } from '../data/payouts.js';
import {
  markIdOf,
  prepareRollupDay,
  REWARD_ROLLUPS,
  SCAN_HOUR_ROLLUPS,
  SCAN_ROLLUPS,
  type MarkDocument,
} from '../data/rollups.js';
import type { ScanRecord } from '../data/scans.js';
import { everything, replaceAll } from '../data/whole-collections.js';
import {
  DAY_MS,
  dayLabel,
  dayStartOf,
  hourLabel,
  markIncrements,
  markTags,
  NONE_KEY,
  rangeKey,
  readMarks,
  rewardIncrements,
  rollupId,
  scanIncrements,
  shardOf,
  splitIncrements,
  type RewardCounters,
  type ScanKeys,
} from '../domain/rollups.js';

/** Adds dotted-path increments into a nested document held in memory. */
function addInto(doc: Record<string, unknown>, increments: Record<string, number>): void {
  for (const [path, by] of Object.entries(increments)) {
    const parts = path.split('.');
    let at = doc;
    for (const part of parts.slice(0, -1)) {
      at[part] ??= {};
      at = at[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    at[last] = ((at[last] as number) ?? 0) + by;
  }
}

export interface RebuildOutcome {
  scans: number;
  payouts: number;
  refusals: number;
  scanDocuments: number;
  rewardDocuments: number;
  marks: number;
}

export async function rebuildRollups(): Promise<RebuildOutcome> {
  const firstScans = new Set<string>();
  for await (const code of everything<{ _id: string; firstScanId?: string }>(
    'codes',
    'firstScannedAt',
    { firstScanId: true },
  )) {
    if (code.firstScanId) firstScans.add(code.firstScanId);
  }

  const scanDocs = new Map<string, Record<string, unknown>>();
  const hourDocs = new Map<string, Record<string, unknown>>();
  const marks = new Map<string, MarkDocument>();
  let scans = 0;
  for await (const scan of everything<ScanRecord>('scans', 'scannedAt')) {
    scans += 1;
    const keys: ScanKeys = {
      product: scan.productId ?? NONE_KEY,
      range: rangeKey(scan.applicationId, scan.rangeStart),
      campaign: scan.campaignId ?? NONE_KEY,
      province: scan.province ?? NONE_KEY,
    };
    const day = dayLabel(scan.scannedAt);
    const hour = hourLabel(scan.scannedAt);
    const marking = {
      day,
      tags: markTags(hour, keys),
      ...(scan.productId ? { productId: scan.productId } : {}),
      code: scan.code,
    };
    const mark = marks.get(scan.openid) ?? {};
    addInto(mark as Record<string, unknown>, markIncrements(marking));
    marks.set(scan.openid, mark);
    const marked = readMarks(mark, marking);
    const id = rollupId(day, shardOf(scan._id));
    const split = splitIncrements(
      scanIncrements({ ...marked, hour, keys, firstScan: firstScans.has(scan._id) }),
    );
    for (const [docs, increments] of [
      [scanDocs, split.day],
      [hourDocs, split.hours],
    ] as const) {
      const doc = docs.get(id) ?? { day: dayStartOf(day), shard: shardOf(scan._id) };
      addInto(doc, increments);
      docs.set(id, doc);
    }
  }

  const rewardDocs = new Map<string, Record<string, unknown>>();
  const countReward = (
    at: number,
    key: string,
    campaignId: string | undefined,
    counters: RewardCounters,
  ): void => {
    const day = dayLabel(at);
    const id = rollupId(day, shardOf(key));
    const doc = rewardDocs.get(id) ?? { day: dayStartOf(day), shard: shardOf(key) };
    addInto(doc, rewardIncrements(at, campaignId, counters));
    rewardDocs.set(id, doc);
  };
  let payouts = 0;
  for await (const payout of everything<PayoutRecord & { fence?: boolean }>(
    'payouts',
    'createdAt',
  )) {
    if (payout.fence) continue;
    payouts += 1;
    countReward(payout.createdAt, payout.outNo, payout.campaignId, { c: 1 });
    if (payout.state === 'received')
      countReward(payout.createdAt, payout.outNo, payout.campaignId, {
        p: 1,
        pf: payout.amountFen,
      });
    if (payout.state === 'budget_released')
      countReward(payout.createdAt, payout.outNo, payout.campaignId, { x: 1 });
  }
  let refusals = 0;
  for await (const refusal of everything<{
    _id: string;
    reason: string;
    refusedAt: number;
    campaignId?: string;
  }>('claimRefusals', 'refusedAt')) {
    refusals += 1;
    countReward(refusal.refusedAt, refusal._id, refusal.campaignId, {
      r: 1,
      rr: { [refusal.reason]: 1 },
    });
  }

  await Promise.all([
    replaceAll(SCAN_ROLLUPS, scanDocs),
    replaceAll(SCAN_HOUR_ROLLUPS, hourDocs),
    replaceAll(REWARD_ROLLUPS, rewardDocs),
    replaceAll(
      'scannerMarks',
      new Map([...marks].map(([openid, mark]) => [markIdOf(openid), mark])),
    ),
  ]);
  return {
    scans,
    payouts,
    refusals,
    scanDocuments: scanDocs.size,
    rewardDocuments: rewardDocs.size,
    marks: marks.size,
  };
}

/** Today's and tomorrow's shard documents of both rollups, where missing (the scheduler). */
export async function prepareRollupDays(now: number): Promise<number> {
  const days = [dayLabel(now), dayLabel(now + DAY_MS)];
  const created = await Promise.all(
    days.flatMap((day) => [
      prepareRollupDay(SCAN_ROLLUPS, day),
      prepareRollupDay(SCAN_HOUR_ROLLUPS, day),
      prepareRollupDay(REWARD_ROLLUPS, day),
    ]),
  );
  return created.reduce((sum, n) => sum + n, 0);
}
