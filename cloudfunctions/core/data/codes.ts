import { db } from '../cloud.js';
import type { CodeRange } from '../domain/marketcode.js';
import type { CodeScanState, RecentScan, SuspicionThresholds } from '../domain/verdict.js';
import { RECENT_SCANS_KEPT } from '../domain/verdict.js';
import { serverWritten } from './client-writes.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `codes`: one document per scanned code, created by its first scan (unique by `code`), so the
 * first-scan fields are written exactly once, by the insert that wins. Every later scan is one
 * atomic update: `_.inc` on the counters and a push onto the recent-scan ring, trimmed to its
 * length, so simultaneous scans never lose a count.
 */
export interface CodeRecord extends CodeScanState {
  _id: string;
  code: string;
  applicationId: string;
  /** The code's index in its application, when its package was imported here. */
  index?: number;
  rangeStart: number;
  /** Epoch ms. */
  lastScannedAt: number;
  lastScanId: string;
  /**
   * What a reward claim needs of the code's activated range and product, as the last scan found
   * them (the scan reads both anyway): the claim then reads neither. Written by every scan with
   * `_.set`; absent on codes last scanned before it was kept (the claim reads them itself).
   */
  claimFacts?: ClaimFacts;
}

/** The activated range a scan found the code in, and the suspicion limits of its product. */
export interface ClaimFacts {
  applicationId: string;
  rangeStart: number;
  /** The product bound to the range; absent when none is. */
  productId?: string;
  /** effectiveThresholds() of that product (the defaults when it has none). */
  thresholds: SuspicionThresholds;
}

const CODES = 'codes';

export async function findCode(code: string): Promise<CodeRecord | undefined> {
  const { data } = await db().collection(CODES).where({ code }).limit(1).get();
  return data[0] as CodeRecord | undefined;
}

/** The code's state for a reward claim: only a document the server wrote (a claim pays on it). */
export async function findCodeState(code: string): Promise<CodeRecord | undefined> {
  const { data } = await db()
    .collection(CODES)
    .where({ code, ...serverWritten() })
    .limit(1)
    .get();
  return data[0] as CodeRecord | undefined;
}

/** 'created' when this scan is the code's first; 'exists' when another scan created it first. */
export async function createCode(record: Omit<CodeRecord, '_id'>): Promise<'created' | 'exists'> {
  try {
    await db().collection(CODES).add({ data: record });
    return 'created';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'exists';
    throw error;
  }
}

/**
 * Counts one more scan of an existing code; `recent` (a ticket scan's) joins the ring. With
 * `firstTicket` (a ticket scan of a code that had none), the same update also makes this scan the
 * code's first ticket scan, on condition that it still has none: of two such scans at once one
 * wins, and the other is counted by a second, plain update. True when this call set it.
 */
export async function countRepeatScan(
  code: string,
  scan: {
    scanId: string;
    at: number;
    recent?: RecentScan;
    newScanner: boolean;
    claimFacts?: ClaimFacts;
    firstTicket?: boolean;
  },
): Promise<boolean> {
  const _ = db().command;
  const ring = scan.recent
    ? { recent: _.push({ each: [scan.recent], slice: -RECENT_SCANS_KEPT }) }
    : {};
  const data = {
    scanCount: _.inc(1),
    distinctScanners: _.inc(scan.newScanner ? 1 : 0),
    lastScannedAt: scan.at,
    lastScanId: scan.scanId,
    ...ring,
    // Replaced whole: a product unbound since must not linger.
    ...(scan.claimFacts ? { claimFacts: _.set(scan.claimFacts) } : {}),
  };
  const codes = db().collection(CODES);
  if (scan.firstTicket) {
    const { stats } = await codes
      .where({ code, firstTicketScanId: _.exists(false) })
      .update({ data: { ...data, firstTicketScanId: scan.scanId } });
    if (stats.updated > 0) return true;
  }
  await codes.where({ code }).update({ data });
  return false;
}

/**
 * Codes of a range scanned at least once: `codes` documents (created on a code's first scan,
 * carrying its applicationId and index) counted over the index range — an indexed count, never a
 * scan of raw events.
 */
export async function countCodesInRange(applicationId: string, range: CodeRange): Promise<number> {
  const _ = db().command;
  const { total } = await db()
    .collection(CODES)
    .where({ applicationId, index: _.gte(range.codeStart).and(_.lte(range.codeEnd)) })
    .count();
  return total;
}
