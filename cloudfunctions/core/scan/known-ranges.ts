/**
 * The activated ranges this instance has read, and the product each was bound to then, so a
 * scan can put the keys its figures count it under into its own insert (resolve.ts, round 1)
 * instead of noting them with a second write once the range is read beside that insert, and a
 * verify of an imported code can find the range covering it without a round of its own.
 *
 * Only a hint: every scan still reads its range fresh, counts under what that read says, and
 * notes the keys (and the range) on the scan again when the hint was wrong (a range bound to
 * another product since, or activated anew over the code). A wrong hint costs a request, never
 * a key the scan was not counted under.
 */
import type { ActivatedRange } from '../data/code-ranges.js';

/** What the keys of a scan need of its range (counting.ts), and what covers a code. */
export type RangeBinding = Pick<
  ActivatedRange,
  'applicationId' | 'codeStart' | 'codeEnd' | 'activatedAt' | 'productId'
>;

/** applicationId → codeStart → the range as last read. */
const known = new Map<string, Map<number, RangeBinding>>();
let kept = 0;
/** Ranges are few (a brand activates segments, not codes); the bound only guards memory. */
const KNOWN_RANGES_KEPT = 10_000;

export function knownRange(applicationId: string, codeStart: number): RangeBinding | undefined {
  return known.get(applicationId)?.get(codeStart);
}

/**
 * Of the known ranges covering the code at `index`, the most recently activated (as
 * code-ranges.ts findCoveringActivation chooses), if any.
 */
export function knownCoveringRange(applicationId: string, index: number): RangeBinding | undefined {
  let newest: RangeBinding | undefined;
  for (const range of known.get(applicationId)?.values() ?? []) {
    if (range.codeStart > index || range.codeEnd < index) continue;
    if (!newest || range.activatedAt > newest.activatedAt) newest = range;
  }
  return newest;
}

/** Keeps what a fresh read of a range said. */
export function rememberRange(range: ActivatedRange): void {
  if (!knownRange(range.applicationId, range.codeStart)) {
    if (kept >= KNOWN_RANGES_KEPT) {
      known.clear();
      kept = 0;
    }
    kept += 1;
  }
  let ranges = known.get(range.applicationId);
  if (!ranges) {
    ranges = new Map();
    known.set(range.applicationId, ranges);
  }
  ranges.set(range.codeStart, {
    applicationId: range.applicationId,
    codeStart: range.codeStart,
    codeEnd: range.codeEnd,
    activatedAt: range.activatedAt,
    ...(range.productId ? { productId: range.productId } : {}),
  });
}

/** A range a fresh read did not find (not activated here). */
export function forgetRange(applicationId: string, codeStart: number): void {
  if (known.get(applicationId)?.delete(codeStart)) kept -= 1;
}
