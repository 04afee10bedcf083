/**
 * Background CSV exports: a channel QR code's scanners and a brand's data for its CRM.
 *
 * Part of the `admin` function's contract: typings/admin.ts re-exports it and assembles
 * `AdminActions`. Type-only.
 */
import type { ExportedFile } from './codes.js';

export interface ExportStarted {
  exportId: string;
}

export type ExportState = 'running' | 'done' | 'failed';

export interface GetExportRequest {
  exportId: string;
}

/**
 * `exportData`: a brand's data for its CRM as CSV files (BOM, China time) of 100,000 rows, up to
 * 2,000,000, built in the background like the scanners export (`getExport`, `listExports`):
 * `scans` (one row per scan, `productId` keeps the scans of that product's ranges), `payouts`
 * (one row per claim's payout, `campaignId` keeps one campaign's), `scanners` (one row per user
 * and code, by first scan). `from`/`to` are ISO 8601 times ([from, to), at most a year).
 */
export type DataExportKind = 'scans' | 'payouts' | 'scanners';

export interface ExportDataRequest {
  kind: DataExportKind;
  from: string;
  to: string;
  productId?: string;
  campaignId?: string;
}

/** Every kind of background CSV export. */
export type ExportKind = 'qrScanners' | DataExportKind;

/** `listExports`: the caller's own exports, newest first. */
export interface ListExportsRequest {
  /** 1–20, default 10. */
  limit?: number;
}

export interface ListExportsResult {
  exports: ExportProgress[];
}

/** A background export and how far it got; links are fresh on each read. */
export interface ExportProgress {
  exportId: string;
  kind: ExportKind;
  /** What was exported, in words (e.g. `扫码记录 2026-03-01 至 2026-03-31`). */
  title: string;
  state: ExportState;
  /** Rows written to finished files (a file counts once uploaded). */
  rowsDone: number;
  filesDone: number;
  /**
   * Rows expected when it started, capped at 2,000,000: a channel QR code's scanners counter, or
   * for a CRM export an estimate from the rollups (whole hours or days around the period; 0 when
   * they know nothing of it). `rowsDone` is exact.
   */
  rowsPlanned: number;
  files: ExportedFile[];
  /** ISO 8601: when the links expire. */
  linksExpireAt?: string;
  createdAt: string;
  finishedAt?: string;
  /** Why it failed (`failed`). */
  error?: string;
}
