/** A channel QR code's scanned user as the console shows it (records: core/data/oa-qr-scanners.ts). */
import type { QrScannerView } from '../../../typings/admin.js';
import type { ScannerRecord } from '../data/oa-qr-scanners.js';
import { replyStatusOf } from '../domain/qr-exports.js';

export function toScannerView(record: ScannerRecord, tags: readonly string[]): QrScannerView {
  return {
    openid: record.openid,
    tags: [...tags],
    firstScanAt: new Date(record.firstScanAt).toISOString(),
    lastScanAt: new Date(record.lastScanAt).toISOString(),
    scans: record.scans,
    followedFromQr: record.followedFromQr,
    replyStatus: replyStatusOf(record),
  };
}
