import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `rateLimits`: fixed-window counters, one document per (subject, window), `_id` =
 * `<bucket>:<subject>:<window start>`. The first call of a window creates its document (the
 * unique `_id` lets exactly one creator win); every later call is one conditional `_.inc` that
 * matches only while the count is below the limit, so simultaneous calls can never take more
 * than the limit between them. A document is dead once its window ends (`expiresAt`).
 */
export interface RateWindow {
  /** What is limited, e.g. `scan` or `wechat-lookup`. */
  bucket: string;
  /** Who is limited, e.g. an openid. */
  subject: string;
  windowMs: number;
  limit: number;
}

const RATE_LIMITS = 'rateLimits';

/**
 * Windows this instance has seen exist (id → the end of the window), so a user's later calls in
 * a window start with the conditional `_.inc` (one round trip) instead of an insert that fails.
 * Only a hint: a wrong one costs a round trip, never a unit beyond the limit.
 */
const knownWindows = new Map<string, number>();
const KNOWN_WINDOWS_KEPT = 10_000;

/** Takes one unit of the window holding `now`; false when the window's limit is reached. */
export async function takeRateLimit(window: RateWindow, now: number): Promise<boolean> {
  const start = now - (now % window.windowMs);
  const end = start + window.windowMs;
  const _id = `${window.bucket}:${window.subject}:${start}`;
  const limits = db().collection(RATE_LIMITS);
  const _ = db().command;
  const take = async (): Promise<boolean> => {
    const { stats } = await limits
      .where({ _id, count: _.lt(window.limit) })
      .update({ data: { count: _.inc(1) } });
    return stats.updated === 1;
  };
  // A window this instance has seen: the conditional _.inc alone, unless it finds no window
  // below the limit, which the insert below tells apart (at the limit, or gone).
  const known = knownWindows.has(_id);
  if (known && (await take())) return true;
  // Otherwise insert first: a consumer's one scan in a window costs a single round trip.
  try {
    await limits.add({ data: { _id, bucket: window.bucket, count: 1, expiresAt: end } });
    remember(_id, end, now);
    return window.limit >= 1;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  remember(_id, end, now);
  // Counts only grow within a window: one the update above found at the limit stays there.
  return known ? false : take();
}

function remember(id: string, end: number, now: number): void {
  if (knownWindows.size >= KNOWN_WINDOWS_KEPT) {
    for (const [known, until] of knownWindows) if (until <= now) knownWindows.delete(known);
    if (knownWindows.size >= KNOWN_WINDOWS_KEPT) knownWindows.clear();
  }
  knownWindows.set(id, end);
}

/**
 * Deletes the windows that ended before `before` (the scheduler's `rateLimits` job), so the
 * collection holds only live windows: at most one document per user and bucket. Answers how
 * many went.
 */
export async function removeEndedWindows(before: number): Promise<number> {
  const _ = db().command;
  const { stats } = (await db()
    .collection(RATE_LIMITS)
    .where({ expiresAt: _.lt(before) })
    .remove()) as { stats: { removed: number } };
  return stats.removed;
}
