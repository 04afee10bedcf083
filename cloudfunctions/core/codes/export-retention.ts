/**
 * Retention of exported code files: the scheduler's sweep. Kept apart from export.ts so the
 * scheduler's bundle does not carry the print renderers.
 */
import { deleteFiles } from '../data/storage.js';
import { exportsWithFilesBefore, markExportFilesDeleted } from '../data/exports.js';

/**
 * Exported files hold every code of a range in clear (what a counterfeiter or a reward scripter
 * wants most), so they are deleted from storage this long after the export: a week to download
 * again from the same export, long after its links have lapsed.
 */
export const EXPORT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** CloudBase's deleteFile takes at most 50 files per call (UNVERIFIED: we stay under it). */
const DELETE_BATCH = 50;
const EXPORTS_PER_SWEEP = 100;

export interface ExportExpiryReport {
  /** Exports whose files are now gone. */
  expired: number;
  filesDeleted: number;
  /** Files storage would not delete (their exports are tried again on the next run). */
  failed: number;
}

/**
 * The scheduler's retention sweep: deletes the files of exports older than the retention and
 * notes it on each export. A file already gone counts as deleted; an export with a file that
 * could not be deleted is left for the next run, so no export is marked while its codes remain.
 */
export async function expireExportFiles(now = Date.now()): Promise<ExportExpiryReport> {
  const report: ExportExpiryReport = { expired: 0, filesDeleted: 0, failed: 0 };
  for (const record of await exportsWithFilesBefore(now - EXPORT_RETENTION_MS, EXPORTS_PER_SWEEP)) {
    const fileIDs = (record.files ?? []).map((file) => file.fileID);
    let failed = 0;
    for (let start = 0; start < fileIDs.length; start += DELETE_BATCH) {
      const fileList = await deleteFiles(fileIDs.slice(start, start + DELETE_BATCH));
      for (const item of fileList) {
        if (isDeleted(item)) report.filesDeleted += 1;
        else failed += 1;
      }
    }
    report.failed += failed;
    if (failed === 0 && (await markExportFilesDeleted(record._id, now))) report.expired += 1;
  }
  return report;
}

/** Deleted now, or already gone (another run, or an operator in the console). */
function isDeleted(item: { code?: string; status?: number }): boolean {
  return (
    item.status === 0 ||
    item.code === 'SUCCESS' ||
    item.code === 'STORAGE_FILE_NONEXIST' ||
    item.code === 'FILE_NOT_EXIST'
  );
}
