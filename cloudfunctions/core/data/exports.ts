import { db } from '../cloud.js';

/** What every export keeps, whatever it exports: the retention sweep reads only this. */
export interface ExportRecordBase {
  _id: string;
  kind: string;
  status: 'running' | 'done' | 'failed';
  requestedBy: string;
  createdAt: number;
  finishedAt?: number;
  files?: { name: string; fileID: string; bytes: number }[];
  error?: string;
  /** When the retention sweep deleted its files from storage (core/codes/export.ts). */
  filesDeletedAt?: number;
}

/** `exports`: one document per export request, with the files it produced. */
export interface ExportRecord extends ExportRecordBase {
  kind: 'codes';
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  from: number;
  to: number;
  formats: string[];
}

export async function createExport<T extends ExportRecordBase>(record: T): Promise<void> {
  await db().collection('exports').add({ data: record });
}

export async function finishExport(
  exportId: string,
  outcome: Pick<ExportRecord, 'status' | 'files' | 'error' | 'finishedAt'>,
): Promise<void> {
  const _ = db().command;
  await db()
    .collection('exports')
    .where({ _id: exportId })
    .update({ data: { ...outcome, ...(outcome.files ? { files: _.set(outcome.files) } : {}) } });
}

/**
 * Exports made before `createdBefore` whose files are still kept, oldest first. Exports are
 * one per operator request, so the collection stays small and this needs no index of its own.
 */
export async function exportsWithFilesBefore(
  createdBefore: number,
  limit: number,
): Promise<ExportRecordBase[]> {
  const _ = db().command;
  const { data } = await db()
    .collection('exports')
    .where({ createdAt: _.lt(createdBefore), filesDeletedAt: _.exists(false) })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .get();
  return data as ExportRecordBase[];
}

/** Notes that an export's files are gone from storage; false when another run noted it first. */
export async function markExportFilesDeleted(exportId: string, at: number): Promise<boolean> {
  const _ = db().command;
  const { stats } = await db()
    .collection('exports')
    .where({ _id: exportId, filesDeletedAt: _.exists(false) })
    .update({ data: { filesDeletedAt: at } });
  return stats.updated > 0;
}
