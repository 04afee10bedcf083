import type { ScanLocation } from '../../../typings/scan.js';
import { db } from '../cloud.js';
import { serverWritten } from './client-writes.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `scans`: one document per scan, `_id` = the scan id. For a ticket the id is a hash of the user
 * and the ticket (the ticket itself is never stored), so resolving the same ticket again finds the
 * same document and is not counted twice; the insert that succeeds is the one that counts.
 */
export interface ScanRecord {
  _id: string;
  /** How the code reached us: a 一物一码 ticket, or a raw code typed in or read by wx.scanCode. */
  via: 'ticket' | 'code';
  code: string;
  applicationId: string;
  /** Start of the activated segment WeChat named (the key of its `codeRanges` document). */
  rangeStart: number;
  openid: string;
  /** Epoch ms. */
  scannedAt: number;
  clientIp?: string;
  scene?: number;
  location?: ScanLocation;
  /** Where it happened (scan/where.ts), when the location or the IP told. */
  province?: string;
  city?: string;
  /** The keys its figures counted it under: in its insert, or noted once its range was read (noteScanKeys). */
  productId?: string;
  campaignId?: string;
}

const SCANS = 'scans';

/** 'claimed' when this call recorded the scan; 'duplicate' when it was recorded before. */
export async function claimScan(record: ScanRecord): Promise<'claimed' | 'duplicate'> {
  try {
    await db().collection(SCANS).add({ data: record });
    return 'claimed';
  } catch (error) {
    if (isDuplicateKeyError(error)) return 'duplicate';
    throw error;
  }
}

/** The scan, if the server recorded it (a scan a client wrote is no scan). */
export async function findScan(scanId: string): Promise<ScanRecord | undefined> {
  const { data } = await db()
    .collection(SCANS)
    .where({ _id: scanId, ...serverWritten() })
    .limit(1)
    .get();
  return data[0] as ScanRecord | undefined;
}

/** The keys a scan's figures count it under, as noted on it. */
export type ScanKeyNotes = Pick<ScanRecord, 'productId' | 'campaignId'> & {
  rangeStart?: number;
};

/**
 * Notes the product and campaign a scan's figures count it under, so a rebuild of the rollups
 * recounts exactly what was counted live (a range bound to another product later, a campaign
 * ended, change nothing). `inserted` is what the scan's insert carried: a key it carried that
 * no longer applies is removed, a range start it carried that the code's covering range does
 * not have is replaced. Nothing to change, no request.
 */
export async function noteScanKeys(
  scanId: string,
  keys: ScanKeyNotes,
  inserted: ScanKeyNotes = {},
): Promise<void> {
  const _ = db().command;
  const data: Record<string, unknown> = {};
  for (const field of ['productId', 'campaignId', 'rangeStart'] as const) {
    if (keys[field] === inserted[field]) continue;
    data[field] = keys[field] ?? _.remove();
  }
  if (Object.keys(data).length === 0) return;
  await db().collection(SCANS).doc(scanId).update({ data });
}
