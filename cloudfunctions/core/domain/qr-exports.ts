/**
 * Pure rules of the channel QR exports and downloads (issue 11 points 5 and 6): the scanners'
 * CSV (columns, China time, reply status in words), how an export is split into files, the QR
 * image sizes and where a logo may go without breaking the code.
 */
import type { QrImageSize, ScannerReplyStatus } from '../../../typings/admin.js';

/** Rows per file, and rows per export at most (up to 2 million, split at 100,000). */
export const FILE_ROWS = 100_000;
export const MAX_EXPORT_ROWS = 2_000_000;

export const SCANNER_CSV_HEADER = ['OpenID', '粉丝标签', '扫码时间', '回复状态'] as const;

export const REPLY_STATUS_NAMES: Record<ScannerReplyStatus, string> = {
  sent: '已回复',
  partial: '部分回复',
  failed: '回复失败',
  none: '无回复',
};

/** CSV quoting per RFC 4180; a leading = + - @ is neutralised so a spreadsheet runs no formula. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** `YYYY-MM-DD HH:mm:ss` in China time (UTC+8, no daylight saving), as operators read times. */
export function chinaTime(epochMs: number): string {
  return new Date(epochMs + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface ScannerRow {
  openid: string;
  firstScanAt: number;
  lastReplyStatus?: string;
}

export function replyStatusOf(row: { lastReplyStatus?: string }): ScannerReplyStatus {
  const status = row.lastReplyStatus;
  return status === 'sent' || status === 'partial' || status === 'failed' ? status : 'none';
}

export function scannerCsvLine(row: ScannerRow, tags: readonly string[]): string {
  return csvLine([
    row.openid,
    tags.join('|'),
    chinaTime(row.firstScanAt),
    REPLY_STATUS_NAMES[replyStatusOf(row)],
  ]);
}

/** The name of file `index` (0-based) of an export: `scanners-<qr>-01.csv`. */
export function scannerFileName(qrId: string, index: number): string {
  return `scanners-${qrId}-${String(index + 1).padStart(2, '0')}.csv`;
}

/** How many files `rows` rows make (at least one: an empty list is a file with its header). */
export function fileCount(rows: number): number {
  return Math.max(1, Math.ceil(Math.min(rows, MAX_EXPORT_ROWS) / FILE_ROWS));
}

/** WeChat's three download sizes (edge in pixels) and the custom range. */
export const QR_IMAGE_SIZES = { small: 258, medium: 430, large: 1280 } as const;
export const MIN_QR_IMAGE_PX = 100;
export const MAX_QR_IMAGE_PX = 3000;

export function qrImagePixels(size: QrImageSize): number {
  if (typeof size === 'string') return QR_IMAGE_SIZES[size];
  return Math.min(MAX_QR_IMAGE_PX, Math.max(MIN_QR_IMAGE_PX, Math.round(size)));
}

/**
 * The logo's square in a `width` px image: centred, at most 20% of the width with its white
 * border included (the brand's logo; error correction H restores up to 30% of the modules, and
 * a fifth of the width hides 4% of the area).
 */
export function logoBox(width: number): { x: number; y: number; size: number; border: number } {
  const size = Math.floor(width * 0.2);
  const border = Math.max(1, Math.round(size * 0.08));
  const x = Math.floor((width - size) / 2);
  return { x, y: x, size, border };
}

export const QR_TYPE_NAMES = { temporary: '临时二维码', permanent: '永久二维码' } as const;
export const LINKS_CSV_HEADER = [
  '公众号名称',
  '二维码类型',
  '二维码名称',
  '二维码ID',
  '二维码链接',
  '有效期',
] as const;

/** TTL as the links CSV shows it: 永久, or the time left in whole days/hours, or 已过期. */
export function ttlText(
  qr: { type: 'temporary' | 'permanent'; expiresAt?: number },
  now: number,
): string {
  if (qr.type === 'permanent' || qr.expiresAt === undefined) return '永久';
  const left = qr.expiresAt - now;
  if (left <= 0) return '已过期';
  const hours = Math.floor(left / 3600_000);
  if (hours >= 24) return `${Math.floor(hours / 24)}天${hours % 24 ? `${hours % 24}小时` : ''}`;
  return hours > 0 ? `${hours}小时` : `${Math.max(1, Math.floor(left / 60_000))}分钟`;
}
