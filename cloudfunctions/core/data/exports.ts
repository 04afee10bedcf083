import { db } from '../cloud.js';

/** `exports`: one document per export request, with the files it produced. */
export interface ExportRecord {
  _id: string;
  kind: 'codes';
  status: 'running' | 'done' | 'failed';
  applicationId: string;
  codeStart: number;
  codeEnd: number;
  from: number;
  to: number;
  formats: string[];
  requestedBy: string;
  createdAt: number;
  finishedAt?: number;
  files?: { name: string; fileID: string; bytes: number }[];
  error?: string;
}

export async function createExport(record: ExportRecord): Promise<void> {
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
