/**
 * The rollup documents (domain/rollups.ts has their shape): increments and reads.
 *
 * Writes are one `_.inc` update of one document, sent beside the scan's or payout's own writes.
 * A day's shard document is created by the first count that finds it missing (a failed update,
 * then an insert; a duplicate insert means another request created it: update again), so only
 * the first scan of a shard each day pays two more round trips; the scheduler's `rollups` job
 * creates the next day's documents ahead, so in practice none does. The folds of hours by key
 * (domain/rollups.ts HourFold) are written by the reads that sum finished hours, never by a scan.
 */
import { createHash } from 'node:crypto';
import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';
import {
  dayStartOf,
  foldId,
  nest,
  ROLLUP_SHARDS,
  rollupId,
  splitIncrements,
  type HourFold,
  type ProductMark,
  type ScanCounters,
  type ScanDimension,
  type ShardWrites,
} from '../domain/rollups.js';

export const SCAN_ROLLUPS = 'scanRollups';
export const SCAN_HOUR_ROLLUPS = 'scanHourRollups';
export const REWARD_ROLLUPS = 'rewardRollups';
export type RollupCollection =
  typeof SCAN_ROLLUPS | typeof SCAN_HOUR_ROLLUPS | typeof REWARD_ROLLUPS;
const MARKS = 'scannerMarks';

/** Adds `increments` (field path → amount) to the day's shard document. */
export async function addToRollup(
  collection: RollupCollection,
  day: string,
  shard: number,
  increments: Record<string, number>,
): Promise<void> {
  if (Object.keys(increments).length === 0) return;
  const _ = db().command;
  const id = rollupId(day, shard);
  const data = Object.fromEntries(
    Object.entries(increments).map(([path, by]) => [path, _.inc(by)]),
  );
  const documents = db().collection(collection);
  const { stats } = await documents.where({ _id: id }).update({ data });
  if (stats.updated > 0) return;
  try {
    await documents.add({
      data: { _id: id, day: dayStartOf(day), shard, ...nest(increments) },
    });
    return;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  await documents.where({ _id: id }).update({ data });
}

/** Creates a day's shard documents that do not exist yet (the scheduler, a day ahead). */
export async function prepareRollupDay(collection: RollupCollection, day: string): Promise<number> {
  let created = 0;
  await Promise.all(
    Array.from({ length: ROLLUP_SHARDS }, async (_unused, shard) => {
      try {
        await db()
          .collection(collection)
          .add({ data: { _id: rollupId(day, shard), day: dayStartOf(day), shard } });
        created += 1;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }),
  );
  return created;
}

/**
 * A scan's increments, to its day document and its hours-by-key document side by side (one
 * round trip of two requests).
 */
export async function addScanToRollups(
  day: string,
  shard: number,
  increments: Record<string, number>,
): Promise<void> {
  const split = splitIncrements(increments);
  await Promise.all([
    addToRollup(SCAN_ROLLUPS, day, shard, split.day),
    addToRollup(SCAN_HOUR_ROLLUPS, day, shard, split.hours),
  ]);
}

/** SDK reads return at most 1,000 documents; ids are asked for in slices of that, side by side. */
const READ_SLICE = 1000;

/** The documents of `ids` that exist, through `projection`, in ⌈ids / 1000⌉ requests at once. */
async function readByIds(
  collection: RollupCollection,
  ids: readonly string[],
  projection?: Record<string, boolean>,
): Promise<Record<string, unknown>[]> {
  const _ = db().command;
  const slices: string[][] = [];
  for (let i = 0; i < ids.length; i += READ_SLICE) slices.push(ids.slice(i, i + READ_SLICE));
  const pages = await Promise.all(
    slices.map(async (slice) => {
      const query = db()
        .collection(collection)
        .where({ _id: _.in(slice) });
      const { data } = await (projection ? query.field(projection) : query).limit(READ_SLICE).get();
      return data as Record<string, unknown>[];
    }),
  );
  return pages.flat();
}

function shardIds(days: readonly string[]): string[] {
  return days.flatMap((day) =>
    Array.from({ length: ROLLUP_SHARDS }, (_unused, shard) => rollupId(day, shard)),
  );
}

/**
 * The shard documents of `days`, only the fields in `fields` (dot paths): a figure's read costs
 * days × ROLLUP_SHARDS small documents, in ⌈that / 1000⌉ requests sent at once.
 */
export async function readRollups(
  collection: RollupCollection,
  days: readonly string[],
  fields: readonly string[],
): Promise<Record<string, unknown>[]> {
  const projection = Object.fromEntries([['day', true], ...fields.map((field) => [field, true])]);
  return readByIds(collection, shardIds(days), projection);
}

/**
 * The write counts per hour of the days' hours-by-key shards, their counters left out (an
 * exclusion: the stores drop `h` before anything is decoded).
 */
export async function readShardWrites(
  days: readonly string[],
): Promise<(ShardWrites & { day?: number })[]> {
  return readByIds(SCAN_HOUR_ROLLUPS, shardIds(days), { h: false });
}

/** The days' folds of one dimension's hours by key (domain/rollups.ts HourFold), where made. */
export async function readHourFolds(
  days: readonly string[],
  dimension: ScanDimension,
): Promise<(HourFold & { day?: number })[]> {
  return readByIds(
    SCAN_HOUR_ROLLUPS,
    days.map((day) => foldId(day, dimension)),
  );
}

/**
 * Writes hours into a day's fold of one dimension: per hour its counters by key summed over the
 * shards and the shards' write counts they were summed at. Each hour is replaced whole, in one
 * update, so a fold's counters and counts always belong together.
 */
export async function writeHourFold(
  day: string,
  dimension: ScanDimension,
  hours: Record<string, { counters: Record<string, ScanCounters>; writes: Record<string, number> }>,
): Promise<void> {
  const _ = db().command;
  const id = foldId(day, dimension);
  const data: Record<string, unknown> = {};
  const fresh: Required<HourFold> = { h: {}, n: {} };
  for (const [hour, { counters, writes }] of Object.entries(hours)) {
    data[`h.${hour}`] = _.set(counters);
    data[`n.${hour}`] = _.set(writes);
    fresh.h[hour] = counters;
    fresh.n[hour] = writes;
  }
  const folds = db().collection(SCAN_HOUR_ROLLUPS);
  const { stats } = await folds.where({ _id: id }).update({ data });
  if (stats.updated > 0) return;
  try {
    await folds.add({ data: { _id: id, day: dayStartOf(day), dimension, ...fresh } });
    return;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  // There already (written alike a moment ago, or by another read): replace these hours.
  await folds.where({ _id: id }).update({ data });
}

/** A user's mark document as stored. */
export interface MarkDocument {
  m?: Record<string, Record<string, number>>;
  p?: Record<string, ProductMark>;
}

export function markIdOf(openid: string): string {
  return createHash('sha256').update(`marks\n${openid}`).digest('hex').slice(0, 32);
}

/**
 * Applies a scan's increments to the user's mark document and answers the document as it is
 * right after (one atomic update: of two scans at once, exactly one reads each counter at 1).
 * A user's first scan ever finds no document and inserts it (one more round trip).
 */
export async function markScan(
  openid: string,
  increments: Record<string, number>,
): Promise<MarkDocument | null> {
  const _ = db().command;
  const id = markIdOf(openid);
  const data = Object.fromEntries(
    Object.entries(increments).map(([path, by]) => [path, _.inc(by)]),
  );
  const marks = db().collection(MARKS);
  const first = await updateAndReturn(id, data, increments);
  if (first) return first;
  const created = nest(increments) as MarkDocument;
  try {
    await marks.add({ data: { _id: id, ...created } });
    return created;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  return updateAndReturn(id, data, increments);
}

/**
 * `where().updateAndReturn()`: CloudBase's find-and-modify (`database.modifyAndReturnDoc`), which
 * answers the document after the update. @cloudbase/node-sdk has it; wx-server-sdk 4 wraps that
 * SDK's query (its `_query`) without passing it on, so it is reached there. Should a future
 * wx-server-sdk hide it, the same answer comes from an optimistic read and a write conditional
 * on the version read (`v`), retried on a conflict: two round trips instead of one.
 */
async function updateAndReturn(
  id: string,
  data: Record<string, unknown>,
  increments: Record<string, number>,
): Promise<MarkDocument | null> {
  const query = db().collection(MARKS).where({ _id: id }) as unknown as {
    _query?: {
      updateAndReturn?(data: Record<string, unknown>): Promise<{ doc?: MarkDocument | null }>;
    };
  };
  const inner = query._query;
  if (typeof inner?.updateAndReturn === 'function') {
    const reply = await inner.updateAndReturn.call(inner, data);
    return reply.doc ?? null;
  }
  return readThenUpdate(id, data, increments);
}

const OPTIMISTIC_ATTEMPTS = 8;

async function readThenUpdate(
  id: string,
  data: Record<string, unknown>,
  increments: Record<string, number>,
): Promise<MarkDocument | null> {
  const _ = db().command;
  const marks = db().collection(MARKS);
  for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt += 1) {
    const { data: found } = await marks.where({ _id: id }).limit(1).get();
    const current = found[0] as (MarkDocument & { v?: number }) | undefined;
    if (!current) return null;
    const version = current.v ?? 0;
    const { stats } = await marks
      .where({ _id: id, v: version === 0 ? _.exists(false) : version })
      .update({ data: { ...data, v: _.inc(1) } });
    if (stats.updated > 0) return applyIncrements(current, increments);
  }
  throw new Error(`scannerMarks ${id}: too many concurrent updates`);
}

/** The document a read plus these increments makes (what the conditional update wrote). */
function applyIncrements(doc: MarkDocument, increments: Record<string, number>): MarkDocument {
  const out = structuredCloneJson(doc) as Record<string, unknown>;
  for (const [path, by] of Object.entries(increments)) {
    const parts = path.split('.');
    let at = out;
    for (const part of parts.slice(0, -1)) {
      if (!at[part] || typeof at[part] !== 'object') at[part] = {};
      at = at[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1];
    at[last] = ((at[last] as number) ?? 0) + by;
  }
  return out as MarkDocument;
}

function structuredCloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
