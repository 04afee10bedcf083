import { db } from '../cloud.js';
import type { CodeRange } from '../domain/marketcode.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * Imported code packages.
 *
 * `packageImports`: one document per generated range (`_id` = `<applicationId>:<codeStart>`),
 * the state of its import: `importing` (with a lease), `imported`, or `import_failed`. Only a range
 * in state `imported` is trusted by readers: its rows are complete.
 *
 * `packageCodes`: one row per code of an imported range: `code` (unique across everything ever
 * imported), `url`, `index`, `applicationId`, `rangeStart` and the `importId` of the attempt that
 * wrote it, so a failed attempt's rows can be removed precisely.
 */
export type ImportState = 'importing' | 'imported' | 'import_failed';

export interface PackageImport extends CodeRange {
  _id: string;
  applicationId: string;
  state: ImportState;
  importId: string;
  /** Until when (epoch ms) an `importing` attempt owns the range; after that it is presumed dead. */
  leaseUntil: number;
  /** The encrypted package as WeChat sent it, kept in cloud storage. */
  packageFileID?: string;
  importedCount?: number;
  error?: string;
  startedBy: string;
  startedAt: number;
  finishedAt?: number;
}

export interface PackageCodeRow {
  code: string;
  url: string;
  index: number;
  applicationId: string;
  rangeStart: number;
  importId: string;
}

const IMPORTS = 'packageImports';
const CODES = 'packageCodes';

export function importKey(applicationId: string, codeStart: number): string {
  return `${applicationId}:${codeStart}`;
}

export async function findImport(
  applicationId: string,
  codeStart: number,
): Promise<PackageImport | undefined> {
  const { data } = await db()
    .collection(IMPORTS)
    .where({ _id: importKey(applicationId, codeStart) })
    .limit(1)
    .get();
  return data[0] as PackageImport | undefined;
}

export async function listImports(applicationId: string): Promise<PackageImport[]> {
  const { data } = await db().collection(IMPORTS).where({ applicationId }).limit(1000).get();
  return data as PackageImport[];
}

/**
 * Claims a range for an import attempt: creates its document, or takes it over when it is not
 * imported and no live attempt holds it. Returns the previous attempt (whose rows the new
 * attempt must clear first), or `false` when the range is imported or busy.
 */
export async function claimImport(
  range: CodeRange & { applicationId: string },
  importId: string,
  startedBy: string,
  now: number,
  leaseMs: number,
): Promise<{ previous?: PackageImport } | false> {
  const imports = db().collection(IMPORTS);
  const _id = importKey(range.applicationId, range.codeStart);
  const fresh = {
    applicationId: range.applicationId,
    codeStart: range.codeStart,
    codeEnd: range.codeEnd,
    state: 'importing' as const,
    importId,
    leaseUntil: now + leaseMs,
    startedBy,
    startedAt: now,
  };
  try {
    await imports.add({ data: { _id, ...fresh } });
    return {};
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const previous = await findImport(range.applicationId, range.codeStart);
  if (!previous || previous.state === 'imported') return false;
  if (previous.state === 'importing' && previous.leaseUntil > now) return false;
  const _ = db().command;
  // Conditional on the attempt we saw: of two simultaneous take-overs, one changes the document.
  const { stats } = await imports
    .where({ _id, importId: previous.importId, state: _.neq('imported') })
    .update({
      data: {
        ...fresh,
        error: _.remove(),
        finishedAt: _.remove(),
        importedCount: _.remove(),
      },
    });
  return stats.updated === 1 ? { previous } : false;
}

/** Extends the attempt's lease while it makes progress; false when it lost the range. */
export async function renewImportLease(
  applicationId: string,
  codeStart: number,
  importId: string,
  leaseUntil: number,
): Promise<boolean> {
  const { stats } = await db()
    .collection(IMPORTS)
    .where({ _id: importKey(applicationId, codeStart), importId, state: 'importing' })
    .update({ data: { leaseUntil } });
  return stats.updated === 1;
}

export async function finishImport(
  applicationId: string,
  codeStart: number,
  importId: string,
  outcome:
    | { state: 'imported'; importedCount: number; packageFileID: string }
    | { state: 'import_failed'; error: string; packageFileID?: string },
  now: number,
): Promise<boolean> {
  const { stats } = await db()
    .collection(IMPORTS)
    .where({ _id: importKey(applicationId, codeStart), importId, state: 'importing' })
    .update({ data: { ...outcome, leaseUntil: 0, finishedAt: now } });
  return stats.updated === 1;
}

export async function insertCodeRows(rows: PackageCodeRow[]): Promise<void> {
  if (rows.length > 0) await db().collection(CODES).add({ data: rows });
}

/** Removes every row an import attempt wrote (all-or-nothing: a failed attempt leaves none). */
export async function removeImportRows(importId: string): Promise<void> {
  await db().collection(CODES).where({ importId }).remove();
}

export async function countImportRows(importId: string): Promise<number> {
  const { total } = await db().collection(CODES).where({ importId }).count();
  return total;
}

/** A code's index in its application, when its package was imported here. */
export async function findCodeIndex(code: string): Promise<number | undefined> {
  const { data } = await db()
    .collection(CODES)
    .where({ code })
    .field({ index: true })
    .limit(1)
    .get();
  const index = (data[0] as { index?: unknown } | undefined)?.index;
  return typeof index === 'number' ? index : undefined;
}

/**
 * The application and index of a code whose package was imported here. Every row was decrypted
 * from WeChat's own package, so a row proves the code exists even while its range's import is
 * unfinished; completeness is what only an `imported` range promises.
 */
export async function findPackageCode(
  code: string,
): Promise<{ applicationId: string; index: number } | undefined> {
  const { data } = await db()
    .collection(CODES)
    .where({ code })
    .field({ applicationId: true, index: true })
    .limit(1)
    .get();
  const row = data[0] as { applicationId?: unknown; index?: unknown } | undefined;
  return typeof row?.applicationId === 'string' && typeof row.index === 'number'
    ? { applicationId: row.applicationId, index: row.index }
    : undefined;
}
