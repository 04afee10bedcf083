/**
 * What each background export reads (core/exports/jobs.ts is the machine): its rows in pages
 * after a cursor, in an order a later write never changes, and how a row reads as CSV.
 *
 *   qrScanners  a channel QR code's scanners by first scan (core/data/oa-qr-scanners.ts, issue 11)
 *   scans       `scans` by `scannedAt` (index scanned_at), optionally the ranges of a product
 *   payouts     `payouts` by `createdAt` (created_at, or campaign_time for one campaign)
 *   scanners    `codeScanners` by `firstScannedAt` (first_scanned_at): one row per user and code
 *
 * Every CRM page is one indexed range read, [from, min(to, the export's moment)], past the cursor
 * (time, _id): a total order, so a job paging for minutes neither skips nor repeats a row.
 *
 * The rows an export plans (its progress bar) come from the write-time rollups (core/stats/),
 * never from counting raw rows: a count of 2,000,000 scans costs more than the first file (and
 * ran past the admin function's 60 s locally). The rollups count whole China-time hours (days
 * past 31 days) around the period, and scans recorded before them not at all: the plan is an
 * estimate the page shows as 约; `rowsDone` is exact.
 */
import type { DataExportKind, ExportKind, StatsGranularity } from '../../../typings/admin.js';
import { timeOrderedPage, type RowConditions } from '../data/time-pages.js';
import {
  type CodeScannerRow,
  DATA_EXPORT_NAMES,
  PAYOUT_CSV_HEADER,
  type PayoutRow,
  SCANNER_CSV_HEADER,
  SCAN_CSV_HEADER,
  type ScanRow,
  codeScannerCsvLine,
  dataFileName,
  payoutCsvLine,
  scanCsvLine,
} from '../domain/data-exports.js';
import {
  SCANNER_CSV_HEADER as QR_SCANNER_CSV_HEADER,
  chinaTime,
  scannerCsvLine,
  scannerFileName,
} from '../domain/qr-exports.js';
import { findQr } from '../data/oa-qrcodes.js';
import { rewardStats } from '../rewards/stats.js';
import { scanStats } from '../stats/scan-stats.js';
import {
  type ScanOrder,
  type ScannerRecord,
  scannerById,
  scannerPage,
} from '../data/oa-qr-scanners.js';
import type { AnySource, ExportSource } from './source.js';

// ---------------------------------------------------------------------------------------------
// Channel QR scanners

export interface QrScannersFilter {
  qrId: string;
  order: ScanOrder;
  openid?: string;
}

export const qrScannersSource: ExportSource<QrScannersFilter, ScannerRecord, readonly string[]> = {
  kind: 'qrScanners',
  header: QR_SCANNER_CSV_HEADER,
  title: (filter) => `二维码 ${filter.qrId} 的扫码用户`,
  async plan(filter) {
    if (filter.openid) return (await scannerById(filter.qrId, filter.openid)) ? 1 : 0;
    // The code's own scanners counter (pre-aggregated by each scan): counting millions of rows
    // would cost more than the first file. Scanners racing the export's moment may differ by a few.
    return (await findQr(filter.qrId))?.metrics?.scanners ?? 0;
  },
  async page(filter, until, cursor, size) {
    if (filter.openid) {
      // One user: the first page is that user (or nobody), there is no second.
      const row = cursor ? undefined : await scannerById(filter.qrId, filter.openid);
      return row
        ? { rows: [row], cursor: { at: row.firstScanAt, id: row._id } }
        : { rows: [], ...(cursor ? { cursor } : {}) };
    }
    const rows = await scannerPage(filter.qrId, filter.order, until, cursor, size);
    const last = rows.at(-1);
    return { rows, ...(last ? { cursor: { at: last.firstScanAt, id: last._id } } : {}) };
  },
  context: async (filter) => (await findQr(filter.qrId))?.tagNames ?? [],
  line: (row, tags) => scannerCsvLine(row, tags),
  fileName: (filter, index) => scannerFileName(filter.qrId, index),
};

// ---------------------------------------------------------------------------------------------
// CRM exports

/** A CRM export's filter as stored: epoch ms, and what the optional filters resolved to. */
export interface DataFilter {
  from: number;
  /** Exclusive. */
  to: number;
  productId?: string;
  /** The product's activated ranges (scans), resolved when the export starts. */
  ranges?: { applicationId: string; rangeStart: number }[];
  campaignId?: string;
}

interface TimeOrdered {
  collection: string;
  field: string;
  /** Conditions beside the time range. */
  where(filter: DataFilter): RowConditions;
  /** Rows expected, from the rollups of `window` (whole buckets around the period). */
  estimate(filter: DataFilter, window: RollupWindow): Promise<number>;
}

interface RollupWindow {
  from: string;
  to: string;
  granularity: StatsGranularity;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const CHINA_OFFSET_MS = 8 * HOUR_MS;

/** The rollup buckets covering [from, to): hours up to 31 days, else China-time days. */
function rollupWindow(filter: DataFilter, until: number): RollupWindow {
  const to = Math.min(filter.to, until + 1);
  const span = to - filter.from;
  const unit = span <= 31 * DAY_MS ? HOUR_MS : DAY_MS;
  const floor = (at: number) => at - ((at + CHINA_OFFSET_MS) % unit);
  const ceil = (at: number) => (floor(at) === at ? at : floor(at) + unit);
  return {
    from: new Date(floor(filter.from)).toISOString(),
    to: new Date(Math.max(ceil(to), floor(filter.from) + unit)).toISOString(),
    granularity: unit === HOUR_MS ? 'hour' : 'day',
  };
}

function timeOrderedSource<R extends { _id: string }>(
  kind: DataExportKind,
  spec: TimeOrdered,
  header: readonly string[],
  line: (row: R) => string,
): ExportSource<DataFilter, R, undefined> {
  return {
    kind,
    header,
    title: (filter) =>
      `${DATA_EXPORT_NAMES[kind]} ${chinaTime(filter.from).slice(0, 10)} 至 ${chinaTime(Math.max(filter.from, filter.to - 1)).slice(0, 10)}`,
    async plan(filter, until) {
      if (filter.ranges?.length === 0) return 0;
      // An estimate for the progress bar: its failure must not stop the export.
      return spec.estimate(filter, rollupWindow(filter, until)).catch((error: unknown) => {
        console.error(`[export] ${kind}: no estimate from the rollups`, error);
        return 0;
      });
    },
    async page(filter, until, cursor, size) {
      if (filter.ranges?.length === 0) return { rows: [] };
      const rows = await timeOrderedPage<R & Record<string, number>>(
        {
          collection: spec.collection,
          field: spec.field,
          from: filter.from,
          before: Math.min(filter.to, until + 1),
          ...(cursor ? { cursor } : {}),
          ...spec.where(filter),
        },
        size,
      );
      const last = rows.at(-1);
      return {
        rows,
        ...(last ? { cursor: { at: last[spec.field]!, id: last._id } } : {}),
      };
    },
    context: async () => undefined,
    line: (row) => line(row),
    fileName: (filter, index) => dataFileName(kind, filter.from, filter.to, index),
  };
}

export const scansSource = timeOrderedSource<ScanRow & { _id: string }>(
  'scans',
  {
    collection: 'scans',
    field: 'scannedAt',
    where: (filter) =>
      filter.ranges
        ? {
            anyOf: filter.ranges.map((range) => ({
              applicationId: range.applicationId,
              rangeStart: range.rangeStart,
            })),
          }
        : {},
    async estimate(filter, window) {
      if (!filter.productId) return (await scanStats(window)).totals.scans;
      const { buckets } = await scanStats({ ...window, groupBy: 'product' });
      return buckets
        .filter((bucket) => bucket.key === filter.productId)
        .reduce((all, bucket) => all + bucket.scans, 0);
    },
  },
  SCAN_CSV_HEADER,
  scanCsvLine,
);

export const payoutsSource = timeOrderedSource<PayoutRow & { _id: string }>(
  'payouts',
  {
    collection: 'payouts',
    field: 'createdAt',
    where: (filter) => (filter.campaignId ? { equals: { campaignId: filter.campaignId } } : {}),
    // A claim that reserved a payout is the payout.
    estimate: async (filter, window) =>
      (
        await rewardStats({
          ...window,
          ...(filter.campaignId ? { campaignId: filter.campaignId } : {}),
        })
      ).totals.claims,
  },
  PAYOUT_CSV_HEADER,
  payoutCsvLine,
);

export const codeScannersSource = timeOrderedSource<CodeScannerRow & { _id: string }>(
  'scanners',
  {
    collection: 'codeScanners',
    field: 'firstScannedAt',
    where: () => ({}),
    // Distinct users per bucket: near the (user, code) pairs first scanned, not equal to them.
    estimate: async (_filter, window) => (await scanStats(window)).totals.scanners,
  },
  SCANNER_CSV_HEADER,
  codeScannerCsvLine,
);

export const DATA_EXPORT_SOURCES: Readonly<Record<DataExportKind, AnySource>> = {
  scans: scansSource,
  payouts: payoutsSource,
  scanners: codeScannersSource,
};

/** Every kind the machine runs, so the scheduler continues any of them. */
export const EXPORT_SOURCES: Readonly<Record<ExportKind, AnySource>> = {
  qrScanners: qrScannersSource,
  ...DATA_EXPORT_SOURCES,
};
