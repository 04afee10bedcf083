/**
 * `scanStats` and `productScanStats`: scan figures read from the rollups (domain/rollups.ts),
 * never from raw scans. A read fetches the shard documents of the days the window touches with
 * only the fields asked for: days × ROLLUP_SHARDS small documents, in ⌈that / 1000⌉ requests sent
 * at once (one for up to 62 days), whatever the number of scans behind them. Hours by key read
 * the days' folds instead where they are current (hoursByKey).
 */
import type {
  ProductScanFigures,
  ProductScanStatsRequest,
  ProductScanStatsResult,
  ScanFigures,
  ScanStatsBucket,
  ScanStatsRequest,
  ScanStatsResult,
  StatsGranularity,
} from '../../../typings/admin.js';
import {
  readHourFolds,
  readRollups,
  readShardWrites,
  SCAN_HOUR_ROLLUPS,
  SCAN_ROLLUPS,
  writeHourFold,
  type RollupCollection,
} from '../data/rollups.js';
import {
  addCounters,
  bucketStarts,
  dayStartOf,
  daysCovering,
  HOUR_MS,
  isFoldCurrent,
  keyOfField,
  MAX_BUCKETS,
  NONE_KEY,
  UNIT_MS,
  writesByHour,
  type ScanCounters,
  type ScanDimension,
} from '../domain/rollups.js';
import { AppError } from '../errors.js';

const HOURS = Array.from({ length: 24 }, (_unused, hour) => String(hour).padStart(2, '0'));

/** The bucket starts of a window, checked: [from, to) non-empty and at most MAX_BUCKETS. */
export function windowOf(request: { from: string; to: string; granularity: StatsGranularity }): {
  from: number;
  to: number;
  starts: number[];
} {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (!(from < to)) throw new AppError('INVALID_ARGUMENT', '统计的结束时间须晚于开始时间');
  const starts = bucketStarts(from, to, UNIT_MS[request.granularity]);
  if (starts.length > MAX_BUCKETS[request.granularity]) {
    const span = request.granularity === 'hour' ? '按小时最多统计 31 天' : '按天最多统计 366 天';
    throw new AppError('INVALID_ARGUMENT', `统计时间范围过大：${span}`);
  }
  return { from, to, starts };
}

/**
 * Reads the `part` (`t`, a dimension, or a dotted path below one) of each bucket of the window, summed over shards:
 * bucket start → the part's counters (for `t` a counters object, for a dimension key → counters).
 */
export async function readBuckets<T extends object>(
  collection: RollupCollection,
  request: { from: string; to: string; granularity: StatsGranularity },
  part: string,
): Promise<{ starts: number[]; byStart: Map<number, T> }> {
  const { from, to, starts } = windowOf(request);
  const wanted = new Set(starts);
  const hourly = request.granularity === 'hour';
  const fields = hourly ? HOURS.map((hour) => `h.${hour}.${part}`) : [`d.${part}`];
  const docs = await readRollups(collection, daysCovering(from, to), fields);
  const byStart = new Map<number, T>();
  const add = (start: number, counters: T | undefined): void => {
    if (!counters || !wanted.has(start)) return;
    byStart.set(start, addCounters(byStart.get(start) ?? ({} as T), counters));
  };
  for (const doc of docs) {
    const dayStart = typeof doc.day === 'number' ? doc.day : undefined;
    if (dayStart === undefined) continue;
    if (hourly) {
      const hours = (doc.h ?? {}) as Record<string, unknown>;
      for (const [hour, parts] of Object.entries(hours))
        add(dayStart + Number(hour) * HOUR_MS, at<T>(parts, part));
    } else {
      add(dayStart, at<T>(doc.d, part));
    }
  }
  return { starts, byStart };
}

/**
 * One dimension's hours by key over a window. Round 1: the days' folds and the shards' write
 * counts (without their counters), side by side. An hour whose fold holds the shards' current
 * counts is read from the fold; the others (the current hour, hours not read since they ended,
 * hours a late write changed) are summed from their shards in round 2, and those that are over
 * are folded in round 3, so the next read finds them in one document per day.
 */
async function hoursByKey(
  request: { from: string; to: string; granularity: StatsGranularity },
  dimension: ScanDimension,
  now: number,
): Promise<Map<number, Record<string, ScanCounters>>> {
  const { from, to, starts } = windowOf(request);
  const wanted = new Set(starts);
  const days = daysCovering(from, to);
  const [shards, folds] = await Promise.all([
    readShardWrites(days),
    readHourFolds(days, dimension),
  ]);
  const byStart = new Map<number, Record<string, ScanCounters>>();
  /** Day → the hours to sum from the shards. */
  const unfolded = new Map<string, Set<string>>();
  for (const day of days) {
    const dayStart = dayStartOf(day);
    const writes = writesByHour(shards.filter((shard) => shard.day === dayStart));
    const fold = folds.find((one) => one.day === dayStart);
    for (const [hour, counts] of Object.entries(writes)) {
      const start = dayStart + Number(hour) * HOUR_MS;
      if (!wanted.has(start)) continue;
      if (isFoldCurrent(fold?.n?.[hour], counts)) byStart.set(start, fold?.h?.[hour] ?? {});
      else unfolded.set(day, (unfolded.get(day) ?? new Set()).add(hour));
    }
  }
  if (unfolded.size === 0) return byStart;

  const hours = [...new Set([...unfolded.values()].flatMap((set) => [...set]))];
  const docs = await readRollups(
    SCAN_HOUR_ROLLUPS,
    [...unfolded.keys()],
    hours.flatMap((hour) => [`h.${hour}.${dimension}`, `n.${hour}`, 'shard']),
  );
  const writes: Promise<void>[] = [];
  for (const [day, dayHours] of unfolded) {
    const dayStart = dayStartOf(day);
    const dayDocs = docs.filter((doc) => doc.day === dayStart);
    const counts = writesByHour(dayDocs);
    const fold: Parameters<typeof writeHourFold>[2] = {};
    for (const hour of dayHours) {
      const counters: Record<string, ScanCounters> = {};
      for (const doc of dayDocs) addCounters(counters, at(doc, `h.${hour}.${dimension}`));
      const start = dayStart + Number(hour) * HOUR_MS;
      byStart.set(start, counters);
      if (start + HOUR_MS <= now) fold[hour] = { counters, writes: counts[hour] ?? {} };
    }
    if (Object.keys(fold).length > 0) writes.push(writeHourFold(day, dimension, fold));
  }
  await Promise.all(writes);
  return byStart;
}

/** The value at a dotted path. */
function at<T>(value: unknown, path: string): T | undefined {
  let found = value;
  for (const part of path.split('.')) {
    if (!found || typeof found !== 'object') return undefined;
    found = (found as Record<string, unknown>)[part];
  }
  return found as T | undefined;
}

function figures(counters: ScanCounters | undefined): ScanFigures {
  return { scans: counters?.s ?? 0, scanners: counters?.u ?? 0, firstScans: counters?.f ?? 0 };
}

function sum(all: readonly ScanFigures[]): ScanFigures {
  return all.reduce(
    (total, one) => ({
      scans: total.scans + one.scans,
      scanners: total.scanners + one.scanners,
      firstScans: total.firstScans + one.firstScans,
    }),
    { scans: 0, scanners: 0, firstScans: 0 },
  );
}

export async function scanStats(request: ScanStatsRequest): Promise<ScanStatsResult> {
  const iso = (start: number): string => new Date(start).toISOString();
  if (!request.groupBy) {
    const { starts, byStart } = await readBuckets<ScanCounters>(SCAN_ROLLUPS, request, 't');
    const buckets = starts.map((start) => ({ start: iso(start), ...figures(byStart.get(start)) }));
    return { buckets, totals: sum(buckets) };
  }
  // Hours by key live in their own documents and folds; days by key in the day's
  // (domain/rollups.ts).
  const byStart =
    request.granularity === 'hour'
      ? await hoursByKey(request, request.groupBy, Date.now())
      : (await readBuckets<Record<string, ScanCounters>>(SCAN_ROLLUPS, request, request.groupBy))
          .byStart;
  const buckets: ScanStatsBucket[] = [];
  for (const start of [...byStart.keys()].sort((a, b) => a - b)) {
    const keyed = Object.entries(byStart.get(start) ?? {})
      .map(([field, counters]) => ({
        start: iso(start),
        key: keyOfField(field),
        ...figures(counters),
      }))
      .filter((bucket) => bucket.scans > 0)
      .sort((a, b) => b.scans - a.scans || (a.key < b.key ? -1 : 1));
    buckets.push(...keyed);
  }
  return { buckets, totals: sum(buckets) };
}

interface LoyaltyCounters {
  n?: number;
  r?: number;
  p?: number;
}

export async function productScanStats(
  request: ProductScanStatsRequest,
): Promise<ProductScanStatsResult> {
  const window = { ...request, granularity: 'day' as const };
  const [loyal, scans] = await Promise.all([
    readBuckets<Record<string, LoyaltyCounters>>(SCAN_ROLLUPS, window, 'loyal'),
    readBuckets<Record<string, ScanCounters>>(SCAN_ROLLUPS, window, 'product'),
  ]);
  const products = new Map<string, ProductScanFigures>();
  const of = (field: string): ProductScanFigures => {
    const productId = keyOfField(field);
    let found = products.get(productId);
    if (!found) {
      found = { productId, scanners: 0, repeatScanners: 0, repurchasers: 0, scans: 0 };
      products.set(productId, found);
    }
    return found;
  };
  for (const day of loyal.byStart.values()) {
    for (const [field, counters] of Object.entries(day)) {
      const product = of(field);
      product.scanners += counters.n ?? 0;
      product.repeatScanners += counters.r ?? 0;
      product.repurchasers += counters.p ?? 0;
    }
  }
  for (const day of scans.byStart.values()) {
    for (const [field, counters] of Object.entries(day)) {
      if (keyOfField(field) !== NONE_KEY) of(field).scans += counters.s ?? 0;
    }
  }
  return {
    products: [...products.values()]
      .filter((p) => p.scans + p.scanners + p.repeatScanners + p.repurchasers > 0)
      .sort((a, b) => b.scans - a.scans || (a.productId < b.productId ? -1 : 1)),
  };
}

/** Today's figures (the 工作台): one day bucket. */
export async function dayScanFigures(dayStart: number): Promise<ScanFigures> {
  const request = {
    from: new Date(dayStart).toISOString(),
    to: new Date(dayStart + UNIT_MS.day).toISOString(),
    granularity: 'day' as const,
  };
  const { byStart } = await readBuckets<ScanCounters>(SCAN_ROLLUPS, request, 't');
  return figures(byStart.get(dayStart));
}
