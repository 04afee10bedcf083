/**
 * Download, decrypt and import one generated range of an application, all or nothing.
 *
 *   1. claim the range (packageImports, a conditional write: one attempt at a time);
 *   2. applycodedownload; keep the encrypted package in cloud storage at a fixed path
 *      (marketcode/packages/<applicationId>/<codeStart>-<codeEnd>.b64), which exports read later;
 *   3. stream it through A's reader (base64 → AES-CBC → lines) and check every line: indexes run
 *      exactly codeStart..codeEnd in order, codes are unique; rows go to packageCodes in batches;
 *   4. mark the range `imported` — or, on any failure, delete the attempt's rows (by importId) and
 *      mark it `import_failed`. Readers trust only `imported`, so a half-written attempt (even one
 *      whose instance died mid-way) is never seen; the next attempt clears its rows first.
 */
import { randomUUID } from 'node:crypto';
import type { ImportRangeResult } from '../../../typings/admin.js';
import { uploadFile } from '../data/storage.js';
import { marketcodeKey } from '../config.js';
import { isDuplicateKeyError } from '../data/errors.js';
import {
  type PackageCodeRow,
  claimImport,
  countImportRows,
  findImport,
  finishImport,
  insertCodeRows,
  removeImportRows,
  renewImportLease,
} from '../data/package-codes.js';
import { type CodeRange, rangeSize, requireGeneratedRange } from '../domain/marketcode.js';
import { AppError } from '../errors.js';
import { toAppError } from '../wechat/errors.js';
import { marketcodeClient } from '../wechat/marketcode/client.js';
import { readPackageBatches } from '../wechat/marketcode/package-reader.js';
import { requireFinishedApplication } from './applications.js';

/**
 * Largest range imported in one call. The package arrives as one base64 string (~540 bytes a
 * code), so 100,000 codes is ~54 MB of text plus its decoded copy, inside the admin function's
 * 512 MB; and 200 inserts of 500 rows fit its 60 s timeout. WeChat generates packages in files
 * of 10,000 codes (seed FAQ), so real ranges are far below this.
 */
export const MAX_IMPORT_CODES = 100_000;
const ROWS_PER_INSERT = 500;
const LEASE_MS = 90_000;

export function packagePath(applicationId: string, range: CodeRange): string {
  return `marketcode/packages/${applicationId}/${range.codeStart}-${range.codeEnd}.b64`;
}

export async function importRange(
  input: { applicationId: string } & CodeRange,
  operator: string,
): Promise<ImportRangeResult> {
  const application = await requireFinishedApplication(input.applicationId, operator);
  const { applicationId } = application;
  const range = { codeStart: input.codeStart, codeEnd: input.codeEnd };
  requireGeneratedRange(application.ranges, range);
  if (rangeSize(range) > MAX_IMPORT_CODES) {
    throw new AppError(
      'RANGE_TOO_LARGE',
      `单次最多导入 ${MAX_IMPORT_CODES} 个码，该区间有 ${rangeSize(range)} 个，请用命令行工具解密`,
    );
  }
  const key = marketcodeKey();
  if (!key) throw new AppError('UPSTREAM_CONFIG', '码包密钥（MARKETCODE_KEY）未配置，请联系管理员');

  const done = await findImport(applicationId, range.codeStart);
  if (done?.state === 'imported') return result(applicationId, range, done.importedCount, true);

  const importId = randomUUID();
  const claim = await claimImport(
    { applicationId, ...range },
    importId,
    operator,
    Date.now(),
    LEASE_MS,
  );
  if (!claim) {
    const now = await findImport(applicationId, range.codeStart);
    if (now?.state === 'imported') return result(applicationId, range, now.importedCount, true);
    throw new AppError('IMPORT_IN_PROGRESS', '该码段正在导入，请稍后刷新查看结果');
  }
  if (claim.previous) await removeImportRows(claim.previous.importId);

  let packageFileID: string | undefined;
  try {
    const buffer = await marketcodeClient().downloadPackage({ applicationId, ...range });
    packageFileID = await uploadFile(
      packagePath(applicationId, range),
      Buffer.from(buffer, 'utf8'),
    );
    const count = await importRows(buffer, key, applicationId, range, importId);
    const finished = await finishImport(
      applicationId,
      range.codeStart,
      importId,
      { state: 'imported', importedCount: count, packageFileID },
      Date.now(),
    );
    if (!finished) throw new AppError('IMPORT_INTERRUPTED', '导入超时被中断，请重新导入');
    return result(applicationId, range, count, false);
  } catch (error) {
    const failure = describeFailure(error);
    // Cleanup must not hide the original failure; its own trouble goes to the log.
    await removeImportRows(importId).catch((cleanup: unknown) =>
      console.error('[importRange] removing the rows of a failed import failed', cleanup),
    );
    await finishImport(
      applicationId,
      range.codeStart,
      importId,
      { state: 'import_failed', error: operatorMessage(failure), packageFileID },
      Date.now(),
    ).catch((mark: unknown) => console.error('[importRange] marking the failure failed', mark));
    throw failure;
  }
}

async function importRows(
  buffer: string,
  key: string,
  applicationId: string,
  range: CodeRange,
  importId: string,
): Promise<number> {
  const seen = new Set<string>();
  let expected = range.codeStart;
  let pending: PackageCodeRow[] = [];
  let inserts = 0;
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    await insertCodeRows(pending);
    pending = [];
    inserts += 1;
    // Every so often, prove the attempt is alive (and learn whether it was taken over).
    if (inserts % 20 === 0) {
      const alive = await renewImportLease(
        applicationId,
        range.codeStart,
        importId,
        Date.now() + LEASE_MS,
      );
      if (!alive) throw new AppError('IMPORT_INTERRUPTED', '导入超时被中断，请重新导入');
    }
  };
  for await (const batch of readPackageBatches(buffer, key)) {
    for (const record of batch) {
      if (record.index !== expected) {
        throw new AppError(
          'PACKAGE_RANGE_MISMATCH',
          `码包第 ${expected - range.codeStart + 1} 行的序号是 ${record.index}，应为 ${expected}（码包与区间 ${range.codeStart}–${range.codeEnd} 不符）`,
        );
      }
      if (seen.has(record.code)) {
        throw new AppError('PACKAGE_DUPLICATE_CODE', `码包中码 ${record.code} 出现了不止一次`);
      }
      seen.add(record.code);
      pending.push({
        code: record.code,
        url: record.url,
        index: record.index,
        applicationId,
        rangeStart: range.codeStart,
        importId,
      });
      expected += 1;
      if (pending.length >= ROWS_PER_INSERT) await flush();
    }
  }
  await flush();
  const count = expected - range.codeStart;
  if (count !== rangeSize(range)) {
    throw new AppError(
      'PACKAGE_RANGE_MISMATCH',
      `码包只有 ${count} 个码，区间 ${range.codeStart}–${range.codeEnd} 应有 ${rangeSize(range)} 个`,
    );
  }
  const stored = await countImportRows(importId);
  if (stored !== count) {
    throw new AppError('IMPORT_INCOMPLETE', `只写入了 ${stored}/${count} 个码，已撤销，请重新导入`);
  }
  return count;
}

function describeFailure(error: unknown): Error {
  if (isDuplicateKeyError(error)) {
    return new AppError('PACKAGE_DUPLICATE_CODE', '码包中有码已在其他码段导入过，已撤销本次导入', {
      cause: error,
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** What the operator reads about a failed import: never WeChat's or the database's raw text. */
function operatorMessage(error: Error): string {
  if (error instanceof AppError) return error.message;
  return toAppError(error)?.message ?? '导入失败，请重试';
}

function result(
  applicationId: string,
  range: CodeRange,
  importedCount: number | undefined,
  alreadyImported: boolean,
): ImportRangeResult {
  return {
    applicationId,
    ...range,
    state: 'imported',
    importedCount: importedCount ?? rangeSize(range),
    alreadyImported,
  };
}
