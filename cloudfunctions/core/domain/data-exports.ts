/**
 * Pure rules of the exports for a brand's CRM (issue 12 point 6): which data can be exported,
 * the columns of each CSV and how a row reads (China time, money in yuan, states in words). The
 * machine that writes the files is core/exports/jobs.ts; the splitting (100,000 rows a file, at
 * most 2,000,000) is the channel QR export's (qr-exports.ts), one rule for every export.
 */
import type { DataExportKind } from '../../../typings/admin.js';
import { PAYOUT_STATE_LABELS, type PayoutState } from './payout.js';
import { chinaTime, csvLine } from './qr-exports.js';

export const DATA_EXPORT_KINDS: readonly DataExportKind[] = ['scans', 'payouts', 'scanners'];

/** Chinese names, for the audit log and messages. */
export const DATA_EXPORT_NAMES: Readonly<Record<DataExportKind, string>> = {
  scans: '扫码记录',
  payouts: '红包发放',
  scanners: '扫码用户',
};

/** The longest period one export may cover: a year (a promotion and its tail). */
export const MAX_EXPORT_SPAN_MS = 366 * 24 * 3600_000;

export const SCAN_CSV_HEADER = [
  '扫码时间',
  '码',
  'OpenID',
  '方式',
  '码包申请',
  '码段起点',
  '场景值',
  '纬度',
  '经度',
] as const;

export const PAYOUT_CSV_HEADER = [
  '领取时间',
  '活动ID',
  '活动',
  '码',
  'OpenID',
  '金额（元）',
  '状态',
  '状态时间',
  '商户单号',
] as const;

export const SCANNER_CSV_HEADER = ['OpenID', '码', '首次扫码时间'] as const;

export interface ScanRow {
  via: 'ticket' | 'code';
  code: string;
  applicationId: string;
  rangeStart: number;
  openid: string;
  scannedAt: number;
  scene?: number;
  location?: { latitude: number; longitude: number };
}

export function scanCsvLine(row: ScanRow): string {
  return csvLine([
    chinaTime(row.scannedAt),
    row.code,
    row.openid,
    row.via === 'ticket' ? '一物一码' : '输入码',
    row.applicationId,
    String(row.rangeStart),
    row.scene === undefined ? '' : String(row.scene),
    row.location ? String(row.location.latitude) : '',
    row.location ? String(row.location.longitude) : '',
  ]);
}

export interface PayoutRow {
  createdAt: number;
  campaignId: string;
  campaignName: string;
  code: string;
  openid: string;
  amountFen: number;
  state: PayoutState;
  stateSince: number;
  outNo: string;
}

/** Fen as yuan with two decimals, exactly (no floating point): 123 → "1.23". */
export function yuanOf(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function payoutCsvLine(row: PayoutRow): string {
  return csvLine([
    chinaTime(row.createdAt),
    row.campaignId,
    row.campaignName,
    row.code,
    row.openid,
    yuanOf(row.amountFen),
    PAYOUT_STATE_LABELS[row.state] ?? row.state,
    chinaTime(row.stateSince),
    row.outNo,
  ]);
}

export interface CodeScannerRow {
  openid: string;
  code: string;
  firstScannedAt: number;
}

export function codeScannerCsvLine(row: CodeScannerRow): string {
  return csvLine([row.openid, row.code, chinaTime(row.firstScannedAt)]);
}

/** `scans-20260301-20260331-01.csv`: the kind, the period in China dates, the file's number. */
export function dataFileName(
  kind: DataExportKind,
  from: number,
  to: number,
  index: number,
): string {
  const day = (at: number) => chinaTime(at).slice(0, 10).replace(/-/g, '');
  // `to` is exclusive: a period ending at midnight names the day before.
  return `${kind}-${day(from)}-${day(Math.max(from, to - 1))}-${String(index + 1).padStart(2, '0')}.csv`;
}
