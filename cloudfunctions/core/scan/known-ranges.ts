/**
 * The product each activated range was bound to when this instance last read it, so a scan can
 * put the keys its figures count it under into its own insert (resolve.ts, round 1) instead of
 * noting them with a second write once the range is read beside that insert.
 *
 * Only a hint: every scan still reads its range fresh, counts under what that read says, and
 * notes the keys on the scan again when the hint was wrong (a range bound to another product
 * since). A wrong hint costs a request, never a key the scan was not counted under.
 */
import type { ActivatedRange } from '../data/code-ranges.js';
import { rangeKey } from '../domain/rollups.js';

/** What the keys of a scan need of its range (counting.ts). */
export type RangeBinding = Pick<ActivatedRange, 'applicationId' | 'codeStart' | 'productId'>;

const known = new Map<string, RangeBinding>();
/** Ranges are few (a brand activates segments, not codes); the bound only guards memory. */
const KNOWN_RANGES_KEPT = 10_000;

export function knownRange(applicationId: string, codeStart: number): RangeBinding | undefined {
  return known.get(rangeKey(applicationId, codeStart));
}

/** Keeps what a fresh read of a range said; `undefined` (no activation here) forgets it. */
export function rememberRange(
  applicationId: string,
  codeStart: number,
  range: ActivatedRange | undefined,
): void {
  const key = rangeKey(applicationId, codeStart);
  if (!range) {
    known.delete(key);
    return;
  }
  if (!known.has(key) && known.size >= KNOWN_RANGES_KEPT) known.clear();
  known.set(key, {
    applicationId: range.applicationId,
    codeStart: range.codeStart,
    ...(range.productId ? { productId: range.productId } : {}),
  });
}
