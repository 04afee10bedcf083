/**
 * Print files for codes of an imported range, into cloud storage with temporary download links.
 * The codes come from the range's encrypted package kept in cloud storage at import time (the
 * package has the microcode matrix, which packageCodes rows do not carry); the renderers, CSV and
 * zip are the print module's (core/print). Caps and zipping: domain/export-plan.ts.
 */
import { randomUUID } from 'node:crypto';
import type { ExportRangeResult, ExportedFile } from '../../../typings/admin.js';
import { downloadFile, temporaryUrls, uploadFile } from '../data/storage.js';
import { marketcodeKey } from '../config.js';
import { createExport, finishExport } from '../data/exports.js';
import { findImport } from '../data/package-codes.js';
import { type ExportFormat, type ExportPlan, planExport } from '../domain/export-plan.js';
import { type CodeRange, requireWithinApplication } from '../domain/marketcode.js';
import { AppError } from '../errors.js';
import {
  PRINT_CSV_COLUMNS,
  type PrintFile,
  createZipStream,
  csvHeader,
  csvRow,
  parsePrintFormats,
  renderRecordFiles,
} from '../print/index.js';
import { readPackageBatches } from '../wechat/marketcode/package-reader.js';
import { requireApplication } from './applications.js';

/** Links live a day (CloudBase's longest): enough to hand them to a print shop. */
const LINK_MAX_AGE_S = 24 * 60 * 60;
// Exported files are deleted from storage after a retention period: export-retention.ts.

export async function exportRange(
  input: { applicationId: string; from?: number; to?: number; formats: ExportFormat[] } & CodeRange,
  operator: string,
): Promise<ExportRangeResult> {
  const application = await requireApplication(input.applicationId);
  const { applicationId } = application;
  const range = { codeStart: input.codeStart, codeEnd: input.codeEnd };
  requireWithinApplication(application.ranges, range);
  const imported = await findImport(applicationId, range.codeStart);
  if (
    imported?.state !== 'imported' ||
    imported.codeEnd !== range.codeEnd ||
    !imported.packageFileID
  ) {
    throw new AppError('RANGE_NOT_IMPORTED', '该码段尚未导入，请先导入码包再导出');
  }
  const plan = planExport(range, input);
  const key = marketcodeKey();
  if (!key) throw new AppError('UPSTREAM_CONFIG', '码包密钥（MARKETCODE_KEY）未配置，请联系管理员');

  const exportId = randomUUID();
  await createExport({
    _id: exportId,
    kind: 'codes',
    status: 'running',
    applicationId,
    ...range,
    from: plan.from,
    to: plan.to,
    formats: input.formats,
    requestedBy: operator,
    createdAt: Date.now(),
  });
  try {
    const fileContent = await downloadFile(imported.packageFileID);
    const files = await renderFiles(fileContent, key, applicationId, plan);
    const stored: ExportedFile[] = [];
    for (const file of files) {
      const fileID = await uploadFile(
        `exports/${exportId}/${file.path}`,
        typeof file.content === 'string' ? Buffer.from(file.content) : file.content,
      );
      stored.push({ name: file.path, fileID, url: '', bytes: Buffer.byteLength(file.content) });
    }
    const links = await temporaryLinks(stored.map((file) => file.fileID));
    for (const file of stored) file.url = links.get(file.fileID) ?? '';
    await finishExport(exportId, {
      status: 'done',
      files: stored.map(({ name, fileID, bytes }) => ({ name, fileID, bytes })),
      finishedAt: Date.now(),
    });
    return {
      exportId,
      from: plan.from,
      to: plan.to,
      codeCount: plan.codeCount,
      zipped: plan.zipped,
      files: stored,
      expiresAt: new Date(Date.now() + LINK_MAX_AGE_S * 1000).toISOString(),
    };
  } catch (error) {
    await finishExport(exportId, {
      status: 'failed',
      error: error instanceof AppError ? error.message : '导出失败',
      finishedAt: Date.now(),
    }).catch((mark: unknown) => console.error('[exportRange] marking the failure failed', mark));
    throw error;
  }
}

async function renderFiles(
  packageText: Buffer,
  key: string,
  applicationId: string,
  plan: ExportPlan,
): Promise<PrintFile[]> {
  const base = `codes-${applicationId}-${plan.from}-${plan.to}`;
  const printFormats = plan.imageFormats.length > 0 ? parsePrintFormats(plan.imageFormats) : [];
  let csv = plan.csv ? csvHeader(PRINT_CSV_COLUMNS) : '';
  const images: PrintFile[] = [];
  const zip = plan.zipped ? createZipStream() : undefined;
  const zipped: Buffer[] = [];
  const zipDone = zip
    ? new Promise<void>((resolve, reject) => {
        zip.stream.on('data', (chunk: Buffer) => zipped.push(chunk));
        zip.stream.once('end', resolve);
        zip.stream.once('error', reject);
      })
    : undefined;

  let count = 0;
  read: for await (const batch of readPackageBatches(packageText, key)) {
    for (const record of batch) {
      if (record.index < plan.from) continue;
      if (record.index > plan.to) break read;
      count += 1;
      if (plan.csv) csv += csvRow(record, PRINT_CSV_COLUMNS);
      for (const file of renderRecordFiles(record, printFormats)) {
        if (zip) await zip.add(file);
        else images.push(file);
      }
    }
  }
  if (count !== plan.codeCount) {
    throw new AppError('PACKAGE_RANGE_MISMATCH', `码包中只找到 ${count}/${plan.codeCount} 个码`);
  }
  const csvFile = { path: `${base}.csv`, content: csv };
  if (!zip) return plan.csv ? [csvFile, ...images] : images;
  if (plan.csv) await zip.add(csvFile);
  await zip.finalize();
  await zipDone;
  return [{ path: `${base}.zip`, content: Buffer.concat(zipped) }];
}

async function temporaryLinks(fileIDs: string[]): Promise<Map<string, string>> {
  if (fileIDs.length === 0) return new Map();
  return temporaryUrls(fileIDs, LINK_MAX_AGE_S);
}
