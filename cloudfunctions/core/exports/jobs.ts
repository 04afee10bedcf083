/**
 * The one machine behind every background CSV export (channel QR scanners, issue 11; scans,
 * payouts and scanners for a CRM, issue 12): a `Source` says how to read its rows in pages after
 * a cursor and how a row reads as CSV; this file splits them into files and carries the job
 * across function timeouts.
 *
 *   - A unit is one file of 100,000 rows, built in memory (one file at a time, never the export:
 *     ~10 MB however many rows), uploaded under `exports/<exportId>/`, then recorded with the
 *     cursor in one conditional write (`exports`).
 *   - The action that starts an export writes its first file and answers (a list under 100,000
 *     is then complete); the scheduler's `exportJobs` continues every minute with its budget. A
 *     run always finishes the file in hand and starts another only before its deadline; a run
 *     CloudBase kills mid-file loses that file only, which the next run redoes from the cursor.
 *   - A lease (`leaseUntil`, `leaseOwner`) keeps two runs off one export; every write of progress
 *     is conditional on still holding it. Three failed runs in a row fail the export.
 *   - One export at a time per user, whatever its kind: `exportLocks` (`_id` = `user:<openid>`),
 *     taken over only from an export that is no longer running.
 *   - Rows are those recorded by the export's moment (`until`): a scan arriving meanwhile is in
 *     the next export, never half in this one.
 *
 * Round trips per file: 100 pages + 1 peek (the rows may end exactly at a file's end) +
 * whatever the source reads once per run, 1 upload, 1 progress write. Reading and writing
 * overlap (core/exports/file-rows.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  ExportKind,
  ExportProgress,
  ExportedFile,
  ListExportsResult,
} from '../../../typings/admin.js';
import {
  addUserLock,
  exportsToContinue,
  findExportJob,
  findUserLock,
  listUserExports,
  recordExportFile,
  removeUserLock,
  takeOverUserLock,
} from '../data/export-jobs.js';
import { createExport } from '../data/exports.js';
import { claimLease, recordLeaseFailure, releaseLease } from '../data/leases.js';
import { temporaryUrls, uploadFile } from '../data/storage.js';
import { FILE_ROWS, MAX_EXPORT_ROWS, csvLine } from '../domain/qr-exports.js';
import { AppError } from '../errors.js';
import { readFileRows } from './file-rows.js';
import type { AnySource, ExportCursor, ExportSource } from './source.js';
import { EXPORT_SOURCES } from './sources.js';

const EXPORTS = 'exports';
/** CloudBase's largest page. */
export const PAGE = 1_000;
/** Longer than a function may live (60 s): a lease outlives the run that took it. */
export const LEASE_MS = 90_000;
/** Links live a day (CloudBase's longest), as the codes export's do. */
export const LINK_MAX_AGE_S = 24 * 60 * 60;
/** A job that fails this many runs in a row is given up (failed, its user free to export again). */
const MAX_FAILURES = 3;

interface ExportJob<F = unknown> {
  _id: string;
  kind: ExportKind;
  status: 'running' | 'done' | 'failed';
  requestedBy: string;
  filter: F;
  title: string;
  /** The job's moment (epoch ms): rows recorded after it are not in it. */
  until: number;
  cursor?: ExportCursor;
  rowsPlanned: number;
  rowsDone: number;
  filesDone: number;
  files: { name: string; fileID: string; bytes: number }[];
  leaseUntil: number;
  leaseOwner?: string;
  failures: number;
  createdAt: number;
  finishedAt?: number;
  error?: string;
}

/**
 * The filter of a channel QR export written before the machine was shared (qrId, order and
 * openid at the top level of the record).
 */
function filterOf(job: ExportJob & { qrId?: string; order?: string; openid?: string }): unknown {
  if (job.filter !== undefined) return job.filter;
  return { qrId: job.qrId, order: job.order, ...(job.openid ? { openid: job.openid } : {}) };
}

// ---------------------------------------------------------------------------------------------
// Starting, reading

/**
 * Records an export of `filter`, writes its first file (within `inlineBudgetMs`) and answers
 * its id. `EXPORT_IN_PROGRESS` while the user has another export running.
 */
export async function startExport<F, R, C>(
  source: ExportSource<F, R, C>,
  filter: F,
  actor: string,
  inlineBudgetMs = 0,
): Promise<{ exportId: string }> {
  const now = Date.now();
  const exportId = randomUUID();
  await takeUserLock(actor, exportId, now);
  try {
    const planned = await source.plan(filter, now);
    const record: ExportJob<F> = {
      _id: exportId,
      kind: source.kind,
      status: 'running',
      requestedBy: actor,
      filter,
      title: source.title(filter),
      until: now,
      rowsPlanned: Math.min(planned, MAX_EXPORT_ROWS),
      rowsDone: 0,
      filesDone: 0,
      files: [],
      leaseUntil: 0,
      failures: 0,
      createdAt: now,
    };
    await createExport(record);
  } catch (error) {
    await releaseUserLock(actor, exportId);
    throw error;
  }
  // A failed first run is recorded on the export; the scheduler tries again.
  await runExport(exportId, Date.now() + inlineBudgetMs).catch(() => undefined);
  return { exportId };
}

async function takeUserLock(actor: string, exportId: string, now: number): Promise<void> {
  const lockId = `user:${actor}`;
  if (await addUserLock(lockId, exportId, now)) return;
  const held = await findUserLock(lockId);
  if (held) {
    const holder = await findExportJob<ExportJob>(held.exportId);
    if (holder?.status === 'running') throw exportInProgress();
  }
  // The holder finished (or died before it was recorded): take the lock over, once.
  if (!(await takeOverUserLock(lockId, held?.exportId ?? '', exportId, now)))
    throw exportInProgress();
}

const exportInProgress = () =>
  new AppError('EXPORT_IN_PROGRESS', '你已有一个导出正在进行，请等它完成后再导出');

const exportNotFound = () => new AppError('EXPORT_NOT_FOUND', '导出记录不存在');

async function releaseUserLock(actor: string, exportId: string): Promise<void> {
  await removeUserLock(`user:${actor}`, exportId).catch((error: unknown) =>
    console.error('[export] lock not released', error),
  );
}

/**
 * An export and its progress, with fresh links. `kinds` are those the caller may read here;
 * `requestedBy`, when given, must be who asked for it (a CRM export's rows are users' data).
 */
export async function getExport(
  exportId: string,
  access: { kinds: readonly ExportKind[]; requestedBy?: string },
): Promise<ExportProgress> {
  const record = await findExportJob<ExportJob>(exportId);
  if (!record || !access.kinds.includes(record.kind)) throw exportNotFound();
  if (access.requestedBy !== undefined && record.requestedBy !== access.requestedBy)
    throw exportNotFound();
  return toProgress(record);
}

/** The caller's own exports of `kinds`, newest first, with fresh links. */
export async function listExports(
  actor: string,
  kinds: readonly ExportKind[],
  limit: number,
): Promise<ListExportsResult> {
  const data = await listUserExports<ExportJob>(actor, kinds, limit);
  return { exports: await Promise.all(data.map(toProgress)) };
}

async function toProgress(record: ExportJob): Promise<ExportProgress> {
  const files = await withLinks(record.files);
  return {
    exportId: record._id,
    kind: record.kind,
    title: record.title ?? '',
    state: record.status,
    rowsDone: record.rowsDone,
    filesDone: record.filesDone,
    rowsPlanned: record.rowsPlanned,
    files,
    ...(files.length > 0
      ? { linksExpireAt: new Date(Date.now() + LINK_MAX_AGE_S * 1000).toISOString() }
      : {}),
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.finishedAt ? { finishedAt: new Date(record.finishedAt).toISOString() } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

export async function withLinks(
  files: readonly { name: string; fileID: string; bytes: number }[],
): Promise<ExportedFile[]> {
  if (files.length === 0) return [];
  const links = await temporaryUrls(
    files.map((file) => file.fileID),
    LINK_MAX_AGE_S,
  );
  return files.map((file) => ({ ...file, url: links.get(file.fileID) ?? '' }));
}

// ---------------------------------------------------------------------------------------------
// Running

/**
 * Works on one export until it is done or `deadlineAt` passed (at least one file either way).
 * Returns what it did; nothing when another run holds the export.
 */
export async function runExport(
  exportId: string,
  deadlineAt: number,
): Promise<{ files: number; done: boolean } | undefined> {
  const owner = randomBytes(8).toString('hex');
  const record = await claimJob<ExportJob>(EXPORTS, exportId, 'running', owner);
  if (!record) return undefined;
  let files = 0;
  try {
    const source = EXPORT_SOURCES[record.kind];
    const filter = filterOf(record);
    const context: unknown = await source.context(filter);
    let job: ExportJob = { ...record, filter };
    do {
      const next = await writeNextFile(source, job, context, owner);
      if (!next) return { files, done: false };
      job = next;
      files += 1;
    } while (job.status === 'running' && Date.now() < deadlineAt);
    if (job.status === 'running') await releaseJob(EXPORTS, exportId, owner);
    else await releaseUserLock(job.requestedBy, exportId);
    return { files, done: job.status !== 'running' };
  } catch (error) {
    const failed = await recordJobFailure(EXPORTS, record, owner, error);
    if (failed) await releaseUserLock(record.requestedBy, exportId);
    throw error;
  }
}

/** Builds, uploads and records the export's next file; undefined when the lease was lost. */
async function writeNextFile(
  source: AnySource,
  job: ExportJob,
  context: unknown,
  owner: string,
): Promise<ExportJob | undefined> {
  const { lines, rows, cursor, ended } = await readFileRows(
    (after, size) => source.page(job.filter, job.until, after, size),
    (row) => source.line(row, context),
    {
      cursor: job.cursor,
      done: job.rowsDone,
      fileRows: FILE_ROWS,
      pageRows: PAGE,
      maxRows: MAX_EXPORT_ROWS,
    },
  );
  // A byte-order mark, so a spreadsheet opens the Chinese header as UTF-8.
  lines.unshift(`\ufeff${csvLine(source.header)}`);
  const content = Buffer.from(lines.join(''));
  lines.length = 0;
  const name: string = source.fileName(job.filter, job.filesDone);
  const fileID = await uploadFile(`exports/${job._id}/${name}`, content);
  const file = { name, fileID, bytes: content.length };
  const now = Date.now();
  const progress = {
    rowsDone: job.rowsDone + rows,
    filesDone: job.filesDone + 1,
    leaseUntil: now + LEASE_MS,
    ...(ended ? { status: 'done' as const, finishedAt: now } : {}),
  };
  const recorded = await recordExportFile(job._id, owner, job.filesDone, {
    ...progress,
    file,
    ...(cursor ? { cursor } : {}),
  });
  if (!recorded) return undefined;
  return {
    ...job,
    rowsDone: progress.rowsDone,
    filesDone: progress.filesDone,
    files: [...job.files, file],
    ...(cursor ? { cursor } : {}),
    status: ended ? 'done' : 'running',
  };
}

// ---------------------------------------------------------------------------------------------
// Leases (shared with the audiences of core/oa/scanner-jobs.ts) and the scheduler

/** The fields every leased background job keeps. */
export interface LeasedJob {
  _id: string;
  leaseUntil: number;
  leaseOwner?: string;
  failures: number;
}

export async function claimJob<T extends LeasedJob>(
  collection: string,
  id: string,
  running: string,
  owner: string,
): Promise<T | undefined> {
  return claimLease<T>(collection, id, running, owner, Date.now(), LEASE_MS);
}

export async function releaseJob(collection: string, id: string, owner: string): Promise<void> {
  await releaseLease(collection, id, owner);
}

/** Counts a failed run; the third in a row fails the job. True when the job is now failed. */
export async function recordJobFailure(
  collection: string,
  job: LeasedJob,
  owner: string,
  error: unknown,
): Promise<boolean> {
  console.error(`[export-jobs] ${collection} ${job._id} run failed`, error);
  const failures = job.failures + 1;
  const failed = failures >= MAX_FAILURES;
  const message = error instanceof AppError ? error.message : '导出中断，请稍后重试';
  const recorded = await recordLeaseFailure(collection, job._id, owner, {
    failures,
    ...(failed ? { status: 'failed', error: message, finishedAt: Date.now() } : {}),
  }).catch(() => false);
  return failed && recorded;
}

/** Time a scheduler run keeps back for the file in hand when its deadline comes. */
export const UNIT_RESERVE_MS = 15_000;

/** Continues every unfinished export nobody is working on, oldest first, until `deadlineAt`. */
export async function continueExports(
  start: number,
  deadlineAt: number,
): Promise<{ exports: number; files: number }> {
  const report = { exports: 0, files: 0 };
  const data = await exportsToContinue<ExportJob>(Object.keys(EXPORT_SOURCES), start, 10);
  for (const record of data) {
    if (Date.now() >= deadlineAt) break;
    const ran = await runExport(record._id, deadlineAt).catch(() => undefined);
    if (ran) {
      report.exports += 1;
      report.files += ran.files;
    }
  }
  return report;
}
