import { db } from '../cloud.js';
import type { CodeScanState, RecentScan } from '../domain/verdict.js';
import { RECENT_SCANS_KEPT } from '../domain/verdict.js';
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
}

const CODES = 'codes';

export async function findCode(code: string): Promise<CodeRecord | undefined> {
  const { data } = await db().collection(CODES).where({ code }).limit(1).get();
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

/** Counts one more scan of an existing code; `recent` (a ticket scan's) joins the ring. */
export async function countRepeatScan(
  code: string,
  scan: { scanId: string; at: number; recent?: RecentScan; newScanner: boolean },
): Promise<void> {
  const _ = db().command;
  const ring = scan.recent
    ? { recent: _.push({ each: [scan.recent], slice: -RECENT_SCANS_KEPT }) }
    : {};
  await db()
    .collection(CODES)
    .where({ code })
    .update({
      data: {
        scanCount: _.inc(1),
        distinctScanners: _.inc(scan.newScanner ? 1 : 0),
        lastScannedAt: scan.at,
        lastScanId: scan.scanId,
        ...ring,
      },
    });
}

/**
 * Makes `scanId` the code's first ticket scan if it has none yet (its first scan was a typed
 * lookup): true when this call set it. Conditional, so of two ticket scans at once one wins.
 */
export async function claimFirstTicketScan(code: string, scanId: string): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection(CODES)
    .where({ code, firstTicketScanId: _.exists(false) })
    .update({ data: { firstTicketScanId: scanId } });
  return stats.updated > 0;
}
