/**
 * A channel QR code's scanned users (`oaQrScanners`, `_id` = qrId:openid, written by
 * core/oa/channel-scan.ts): the console's list and the cursor the export and audience jobs page with.
 *
 * The order is the first scan time, which a later scan never moves: a job paging for minutes
 * while users keep scanning neither skips nor repeats anyone, and an audience's moment is exact
 * (scanners whose first scan came after it are not in it). Ties are broken by `_id`, so the
 * cursor (time, id) is a total order. Index `qr_first_scan` (qrId, firstScanAt) serves both the
 * list and every page of a job: one round trip per page, however deep.
 */
import type { ListQrScannersRequest } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { ReplyStatus, ScannerBefore } from '../domain/channel-qr.js';
import { isDuplicateKeyError } from './errors.js';

export const SCANNERS = 'oaQrScanners';

export interface ScannerRecord {
  _id: string;
  qrId: string;
  openid: string;
  firstScanAt: number;
  lastScanAt: number;
  scans: number;
  followedFromQr: boolean;
  received: boolean;
  lastReplyStatus?: string;
}

export type ScanOrder = 'asc' | 'desc';

/** Where a job stopped: the last row it wrote. */
export interface ScannerCursor {
  at: number;
  id: string;
}

export async function listScannerRecords(
  input: Required<Pick<ListQrScannersRequest, 'limit' | 'offset'>> & ListQrScannersRequest,
): Promise<ScannerRecord[]> {
  if (input.openid) {
    const found = await scannerById(input.qrId, input.openid);
    return found && input.offset === 0 ? [found] : [];
  }
  const { data } = await db()
    .collection(SCANNERS)
    .where({ qrId: input.qrId })
    .orderBy('firstScanAt', input.order)
    .orderBy('_id', 'asc')
    .skip(input.offset)
    .limit(input.limit)
    .get();
  return data as ScannerRecord[];
}

export async function scannerById(
  qrId: string,
  openid: string,
): Promise<ScannerRecord | undefined> {
  const { data } = await db()
    .collection(SCANNERS)
    .where({ _id: `${qrId}:${openid}` })
    .limit(1)
    .get();
  return data[0] as ScannerRecord | undefined;
}

/**
 * The next page after `cursor` (from the start without one), only scanners who had first
 * scanned by `until` (the job's moment). One round trip; `size` ≤ 1,000 (CloudBase's cap).
 */
export async function scannerPage(
  qrId: string,
  order: ScanOrder,
  until: number,
  cursor: ScannerCursor | undefined,
  size: number,
): Promise<ScannerRecord[]> {
  const _ = db().command;
  const conditions: object[] = [];
  if (!cursor) {
    conditions.push({ qrId, firstScanAt: _.lte(until) });
  } else if (order === 'desc') {
    // The cursor is at or before `until`: one upper bound, so the index seeks to it.
    conditions.push({ qrId, firstScanAt: _.lte(cursor.at) });
  } else {
    conditions.push({ qrId, firstScanAt: _.gte(cursor.at) }, { firstScanAt: _.lte(until) });
  }
  if (cursor) {
    // Past the cursor: a later time in this order, or the same time and a greater id.
    const past = order === 'desc' ? _.lt(cursor.at) : _.gt(cursor.at);
    conditions.push(
      _.or([{ firstScanAt: past }, { firstScanAt: cursor.at, _id: _.gt(cursor.id) }]),
    );
  }
  const where = conditions.length === 1 ? conditions[0]! : _.and(conditions);
  const { data } = await db()
    .collection(SCANNERS)
    .where(where)
    .orderBy('firstScanAt', order)
    .orderBy('_id', 'asc')
    .limit(size)
    .get();
  return data as ScannerRecord[];
}

const scannerId = (qrId: string, openid: string) => `${qrId}:${openid}`;

/**
 * The scanner's document before this scan (at `at`, a follow when `followed`), moved by it
 * (1 round trip, up to 3 on a race).
 */
export async function recordScanner(
  qrId: string,
  openid: string,
  followed: boolean,
  at: number,
): Promise<ScannerBefore> {
  const scanners = db().collection(SCANNERS);
  const _ = db().command;
  const id = scannerId(qrId, openid);
  try {
    await scanners.add({
      data: {
        _id: id,
        qrId,
        openid,
        firstScanAt: at,
        lastScanAt: at,
        scans: 1,
        followedFromQr: followed,
        received: false,
        lastReplyStatus: 'none',
      },
    });
    return { known: false, followedFromQr: false };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const moved = { scans: _.inc(1), lastScanAt: at };
  if (followed) {
    const firstFollow = await scanners
      .where({ _id: id, followedFromQr: false })
      .update({ data: { ...moved, followedFromQr: true } });
    if (firstFollow.stats.updated > 0) return { known: true, followedFromQr: false };
  }
  await scanners.where({ _id: id }).update({ data: moved });
  return { known: true, followedFromQr: true };
}

/** The scanner's first welcome received; false when one had arrived before. */
export async function markScannerReceived(
  qrId: string,
  openid: string,
  status: ReplyStatus,
): Promise<boolean> {
  const first = await db()
    .collection(SCANNERS)
    .where({ _id: scannerId(qrId, openid), received: false })
    .update({ data: { received: true, lastReplyStatus: status } });
  return first.stats.updated > 0;
}

export async function setScannerReplyStatus(
  qrId: string,
  openid: string,
  status: ReplyStatus,
): Promise<void> {
  await db()
    .collection(SCANNERS)
    .where({ _id: scannerId(qrId, openid) })
    .update({ data: { lastReplyStatus: status } });
}
