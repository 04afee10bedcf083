/**
 * Write-time rollups of scans and rewards: the document shapes, field paths and bucket
 * arithmetic, pure (data/rollups.ts does the I/O). Every figure a dashboard reads is a counter
 * kept with `_.inc` at the moment it happens, so a read costs O(buckets) documents whatever the
 * number of scans behind them.
 *
 * Per China-time day and shard (`_id` `<YYYYMMDD>-<shard>`), two documents: the day's
 * (`scanRollups`, small: what dashboards and day figures read) and its hours by key
 * (`scanHourRollups`, read only for hourly figures grouped by a key):
 *
 *   d.t.{s,u,f}                  the day: scans, scanners (distinct), first scans   scanRollups
 *   d.<dimension>.<key>.{s,u,f}  the same per product, range, campaign or province  scanRollups
 *   h.<HH>.t.{s,u,f}             each hour (00–23, China time) in total              scanRollups
 *   d.loyal.<productId>.{n,r,p}  users new to the product, become repeat scanners,   scanRollups
 *                                repurchasers
 *   h.<HH>.<dimension>.<key>…    each hour per key                                   scanHourRollups
 *   n.<HH>                       the writes the shard took in that hour              scanHourRollups
 *
 * and per day and dimension, once an hour is over and a read has summed its shards, the fold
 * (HourFold, `_id` `<YYYYMMDD>-<dimension>`, in `scanHourRollups`): that dimension's hours by key
 * summed over the shards, with the write counts they were summed at. Hours by key multiply the
 * keys by 24 hours and ROLLUP_SHARDS shards, so without folds a busy week's read would carry
 * 16 × 24 × 7 counters per key; with them it carries 24 × 7, plus the shards of the hours not
 * folded yet (the current one).
 *
 * A document's size is bounded by the keys (products, ranges, campaigns, 34 provinces), never by
 * the number of scans: `npm run bench -- stats`.
 *
 * Reward documents (`rewardRollups`) have the same layout with the reward figures
 * (RewardCounters) under `t` and `campaign.<id>`.
 *
 * A scan goes to one shard (by its id), so a national promotion's scans spread over
 * ROLLUP_SHARDS documents instead of one hot document per day; a read sums the shards.
 *
 * Distinct scanners are exact per bucket: each user has a mark document (data/rollups.ts) whose
 * counter per (day or hour, dimension, key) the scan increments in one atomic update that returns
 * the document; a counter that reads 1 afterwards is the user's first scan in that bucket.
 */
import { chinaDayStart } from './campaign-eligibility.js';

export const ROLLUP_SHARDS = 16;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** China time is UTC+8 all year. */
const CHINA_OFFSET_MS = 8 * HOUR_MS;

/** The key of a scan without a product, campaign or known place. */
export const NONE_KEY = '-';

export const SCAN_DIMENSIONS = ['product', 'range', 'campaign', 'province'] as const;
export type ScanDimension = (typeof SCAN_DIMENSIONS)[number];
export type ScanKeys = Record<ScanDimension, string>;

/** A scan bucket's counters as stored: scans, distinct scanners (users), first scans. */
export interface ScanCounters {
  s?: number;
  u?: number;
  f?: number;
}

/** A reward bucket's counters as stored. */
export interface RewardCounters {
  /** Claims that reserved a payout. */
  c?: number;
  /** Of those, payouts received, and their fen. */
  p?: number;
  pf?: number;
  /** Of those, payouts failed and released. */
  x?: number;
  /** Refused claims, all reasons and by reason. */
  r?: number;
  rr?: Record<string, number>;
}

/** `YYYYMMDD` of the China-time day `at` falls in. */
export function dayLabel(at: number): string {
  return new Date(chinaDayStart(at) + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The China-time day start of a `YYYYMMDD` label. */
export function dayStartOf(label: string): number {
  return Date.parse(
    `${label.slice(0, 4)}-${label.slice(4, 6)}-${label.slice(6, 8)}T00:00:00+08:00`,
  );
}

/** `00`–`23`: the China-time hour `at` falls in. */
export function hourLabel(at: number): string {
  return String(Math.floor((at - chinaDayStart(at)) / HOUR_MS)).padStart(2, '0');
}

export function rollupId(day: string, shard: number): string {
  return `${day}-${String(shard).padStart(2, '0')}`;
}

/** The shard a scan or payout counts in: spread by its id. */
export function shardOf(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return (hash >>> 0) % ROLLUP_SHARDS;
}

/**
 * A key as a field name: `.` and `$` cannot appear in one (nor can `%`, which escapes them).
 * Ids and province names rarely hold any; the escape keeps any value safe.
 */
export function fieldKey(key: string): string {
  return key.replace(/[%.$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function keyOfField(field: string): string {
  return field.replace(/%(25|2E|24)/g, (_match, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** The `range` dimension's key of an activated segment. */
export function rangeKey(applicationId: string, codeStart: number): string {
  return `${applicationId}:${codeStart}`;
}

/**
 * The buckets a scan may be a user's first in, as the tags of their mark document: the day and
 * the hour, in total (`d`, `h13`) and per dimension key (`d|product|<key>`…).
 */
export function markTags(hour: string, keys: ScanKeys): string[] {
  const tags = ['d', `h${hour}`];
  for (const dimension of SCAN_DIMENSIONS) {
    const key = fieldKey(keys[dimension]);
    tags.push(`d|${dimension}|${key}`, `h${hour}|${dimension}|${key}`);
  }
  return tags;
}

/** What one scan adds to its rollup document: field path → increment. */
export function scanIncrements(scan: {
  hour: string;
  keys: ScanKeys;
  /** Tags (markTags) this scan was the user's first in. */
  firstIn: ReadonlySet<string>;
  firstScan: boolean;
  loyalty?: { productId: string; newScanner: boolean; repeat: boolean; repurchase: boolean };
}): Record<string, number> {
  const inc: Record<string, number> = {};
  const add = (path: string, by: number): void => {
    if (by !== 0) inc[path] = (inc[path] ?? 0) + by;
  };
  const f = scan.firstScan ? 1 : 0;
  for (const [bucket, tag] of [
    ['d', 'd'],
    [`h.${scan.hour}`, `h${scan.hour}`],
  ] as const) {
    add(`${bucket}.t.s`, 1);
    add(`${bucket}.t.u`, scan.firstIn.has(tag) ? 1 : 0);
    add(`${bucket}.t.f`, f);
    for (const dimension of SCAN_DIMENSIONS) {
      const key = fieldKey(scan.keys[dimension]);
      const path = `${bucket}.${dimension}.${key}`;
      add(`${path}.s`, 1);
      add(`${path}.u`, scan.firstIn.has(`${tag}|${dimension}|${key}`) ? 1 : 0);
      add(`${path}.f`, f);
    }
  }
  if (scan.loyalty) {
    const path = `d.loyal.${fieldKey(scan.loyalty.productId)}`;
    add(`${path}.n`, scan.loyalty.newScanner ? 1 : 0);
    add(`${path}.r`, scan.loyalty.repeat ? 1 : 0);
    add(`${path}.p`, scan.loyalty.repurchase ? 1 : 0);
  }
  return inc;
}

/**
 * Which document each increment goes to: the day's (day figures, hour totals, loyalty) or the
 * hours-by-key one. The latter also counts the write in its hour (`n.<HH>`), which tells a fold
 * (HourFold) whether it still holds everything the shard counted in that hour.
 */
export function splitIncrements(increments: Record<string, number>): {
  day: Record<string, number>;
  hours: Record<string, number>;
} {
  const day: Record<string, number> = {};
  const hours: Record<string, number> = {};
  for (const [path, by] of Object.entries(increments)) {
    const [bucket, hour, part] = path.split('.');
    if (bucket === 'h' && part !== 't') {
      hours[path] = by;
      hours[`n.${hour}`] = 1;
    } else {
      day[path] = by;
    }
  }
  return { day, hours };
}

/** Undoing a first scan counted by a request that lost the race to create the code's state. */
export function notFirstScanIncrements(hour: string, keys: ScanKeys): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const bucket of ['d', `h.${hour}`]) {
    inc[`${bucket}.t.f`] = -1;
    for (const dimension of SCAN_DIMENSIONS)
      inc[`${bucket}.${dimension}.${fieldKey(keys[dimension])}.f`] = -1;
  }
  return inc;
}

/** A user's mark document after the scan's update, read into what the scan was first in. */
export function readMarks(
  doc: { m?: Record<string, Record<string, number>>; p?: Record<string, ProductMark> } | null,
  scan: { day: string; tags: readonly string[]; productId?: string; code: string },
): {
  firstIn: Set<string>;
  loyalty?: { productId: string; newScanner: boolean; repeat: boolean; repurchase: boolean };
} {
  const marks = doc?.m?.[scan.day] ?? {};
  const firstIn = new Set(scan.tags.filter((tag) => marks[tag] === 1));
  if (!scan.productId) return { firstIn };
  const product = doc?.p?.[fieldKey(scan.productId)];
  const codes = product?.c ?? {};
  return {
    firstIn,
    loyalty: {
      productId: scan.productId,
      newScanner: product?.s === 1,
      repeat: product?.s === 2,
      repurchase: codes[fieldKey(scan.code)] === 1 && Object.keys(codes).length === 2,
    },
  };
}

/** A user's marks for one product: scans, and scans per code. */
export interface ProductMark {
  s?: number;
  c?: Record<string, number>;
}

/** The update of a user's mark document for one scan: field path → increment. */
export function markIncrements(scan: {
  day: string;
  tags: readonly string[];
  productId?: string;
  code: string;
}): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const tag of scan.tags) inc[`m.${scan.day}.${tag}`] = 1;
  if (scan.productId) {
    const product = `p.${fieldKey(scan.productId)}`;
    inc[`${product}.s`] = 1;
    inc[`${product}.c.${fieldKey(scan.code)}`] = 1;
  }
  return inc;
}

/** Nested object from dotted increments (the mark document a first scan inserts). */
export function nest(paths: Record<string, number>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(paths)) {
    const parts = path.split('.');
    let at = out;
    for (const part of parts.slice(0, -1)) {
      at[part] ??= {};
      at = at[part] as Record<string, unknown>;
    }
    at[parts[parts.length - 1]] = value;
  }
  return out;
}

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

/** The days (labels) whose documents hold the buckets [from, to). */
export function daysCovering(from: number, to: number): string[] {
  return bucketStarts(from, to, DAY_MS).map(dayLabel);
}

/** 31 days of hours, or a little over a year of days: a page of figures, never a scan of history. */
export const MAX_BUCKETS = { hour: 31 * 24, day: 366 } as const;

export const UNIT_MS = { hour: HOUR_MS, day: DAY_MS } as const;

/** Adds counters field by field (nested `rr` too). */
export function addCounters<T extends object>(into: T, more: T | undefined): T {
  if (!more) return into;
  const target = into as Record<string, unknown>;
  for (const [field, value] of Object.entries(more)) {
    if (typeof value === 'number') target[field] = ((target[field] as number) ?? 0) + value;
    else if (value && typeof value === 'object')
      target[field] = addCounters((target[field] as object) ?? {}, value as object);
  }
  return into;
}

/** What one reward event adds to its rollup document: field path → increment. */
export function rewardIncrements(
  at: number,
  campaignId: string | undefined,
  counters: RewardCounters,
): Record<string, number> {
  const inc: Record<string, number> = {};
  const flat = (prefix: string, values: object): void => {
    for (const [field, value] of Object.entries(values)) {
      if (typeof value === 'number') inc[`${prefix}.${field}`] = value;
      else if (value && typeof value === 'object') flat(`${prefix}.${field}`, value as object);
    }
  };
  for (const bucket of ['d', `h.${hourLabel(at)}`]) {
    flat(`${bucket}.t`, counters);
    if (campaignId) flat(`${bucket}.campaign.${fieldKey(campaignId)}`, counters);
  }
  return inc;
}

/**
 * A day's hours by key for one dimension, summed over the shards once the hours are over
 * (`scanHourRollups`, `_id` `<YYYYMMDD>-<dimension>`), so a read of past hours costs one document
 * per day instead of ROLLUP_SHARDS. `n.<HH>.<shard>` holds the shards' write counts the sum was
 * made from: an hour is read from the fold only while every shard's count still equals it, so a
 * late write (or a rebuild) is never missed, only read from the shards again.
 */
export interface HourFold {
  h?: Record<string, Record<string, ScanCounters>>;
  n?: Record<string, Record<string, number>>;
}

export function foldId(day: string, dimension: ScanDimension): string {
  return `${day}-${dimension}`;
}

/** A shard's write count per hour (splitIncrements' `n.<HH>`). */
export interface ShardWrites {
  shard?: number;
  n?: Record<string, number>;
}

/** Hour → shard → write count, of one day's shard documents (hours nothing was counted in left out). */
export function writesByHour(
  shards: readonly ShardWrites[],
): Record<string, Record<string, number>> {
  const hours: Record<string, Record<string, number>> = {};
  for (const { shard, n } of shards) {
    if (shard === undefined) continue;
    for (const [hour, count] of Object.entries(n ?? {})) {
      if (!count) continue;
      hours[hour] ??= {};
      hours[hour][String(shard)] = count;
    }
  }
  return hours;
}

/** Whether a fold's write counts for an hour are the shards' current ones. */
export function isFoldCurrent(
  folded: Readonly<Record<string, number>> | undefined,
  current: Readonly<Record<string, number>>,
): boolean {
  if (!folded) return false;
  const shards = new Set([...Object.keys(folded), ...Object.keys(current)]);
  return [...shards].every((shard) => (folded[shard] ?? 0) === (current[shard] ?? 0));
}
