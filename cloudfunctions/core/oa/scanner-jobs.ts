/**
 * The background jobs over a channel QR code's scanners (issue 11 point 5): the CSV export and
 * the audience snapshot. Both read the scanners in pages by first scan time (scanners.ts), up to
 * the job's moment, and move forward in units that are written whole:
 *
 *   - an export's unit is one file of 100,000 rows, built in memory (one file at a time, never
 *     the export: ~7 MB however many rows), uploaded under `exports/<exportId>/`, then recorded
 *     with the cursor in one conditional write (`exports`, kind `qrScanners`);
 *   - an audience's unit is up to 100 pages of 1,000 openids, each page a document of
 *     `audienceMembers` written with a fixed id (so a unit redone overwrites, never doubles),
 *     then the cursor and size in one conditional write (`audiences`).
 *
 * Who runs a job: the action that starts it does one unit at once (a list under 100,000 is then
 * finished when the action answers); the scheduler's `scannerJobs` continues every minute with
 * its budget. A run always finishes the unit in hand (so a unit longer than a budget still moves)
 * and starts another only before its deadline; a run CloudBase kills mid-unit loses that unit
 * only, which the next run redoes from the cursor. A lease (`leaseUntil`, `leaseOwner`) keeps two
 * runs off one job; every write of progress is conditional on still holding it.
 *
 * Round trips per export unit: 100 pages + 1 peek (the list may end exactly at a file's end) +
 * 1 code read per run, 1 upload, 1 progress write. One export at a time per user:
 * `exportLocks` (`_id` = kind:openid), taken over only from an export that is no longer running.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AudienceView,
  ExportProgress,
  ExportedFile,
  ListAudiencesRequest,
} from '../../../typings/admin.js';
import { cloud, db } from '../cloud.js';
import { isDuplicateKeyError } from '../data/errors.js';
import { createExport } from '../data/exports.js';
import {
  FILE_ROWS,
  MAX_EXPORT_ROWS,
  SCANNER_CSV_HEADER,
  csvLine,
  scannerCsvLine,
  scannerFileName,
} from '../domain/qr-exports.js';
import { AppError } from '../errors.js';
import { findQr, qrNotFound } from './channel-qrs.js';
import {
  type ScanOrder,
  type ScannerCursor,
  type ScannerRecord,
  scannerById,
  scannerPage,
} from './scanners.js';

const EXPORTS = 'exports';
const AUDIENCES = 'audiences';
const MEMBERS = 'audienceMembers';
const LOCKS = 'exportLocks';
const KIND = 'qrScanners';
/** CloudBase's largest page. */
const PAGE = 1_000;
const AUDIENCE_UNIT_PAGES = 100;
/** Longer than a function may live (60 s): a lease outlives the run that took it. */
const LEASE_MS = 90_000;
/** Links live a day (CloudBase's longest), as the codes export's do. */
export const LINK_MAX_AGE_S = 24 * 60 * 60;
/** A job that fails this many runs in a row is given up (failed, its user free to export again). */
const MAX_FAILURES = 3;

interface JobFields {
  _id: string;
  qrId: string;
  order: ScanOrder;
  /** The job's moment (epoch ms): scanners who first scanned after it are not in it. */
  until: number;
  cursor?: ScannerCursor;
  leaseUntil: number;
  leaseOwner?: string;
  failures: number;
  createdAt: number;
  finishedAt?: number;
  error?: string;
}

interface ScannerExportRecord extends JobFields {
  kind: typeof KIND;
  status: 'running' | 'done' | 'failed';
  requestedBy: string;
  openid?: string;
  rowsPlanned: number;
  rowsDone: number;
  filesDone: number;
  files: { name: string; fileID: string; bytes: number }[];
}

interface AudienceRecord extends JobFields {
  name: string;
  status: 'building' | 'ready' | 'failed';
  createdBy: string;
  size: number;
  pages: number;
}

// ---------------------------------------------------------------------------------------------
// The export

export async function exportQrScanners(
  input: { qrId: string; openid?: string; order: ScanOrder },
  actor: string,
  inlineBudgetMs = INLINE_BUDGET_MS,
): Promise<{ exportId: string }> {
  const qr = await findQr(input.qrId);
  if (!qr) throw qrNotFound();
  const now = Date.now();
  const exportId = randomUUID();
  await takeUserLock(actor, exportId, now);
  try {
    // The code's own scanners counter (pre-aggregated by each scan): counting millions of rows
    // would cost more than the first file. Scanners racing the export's moment may differ by a few.
    const planned = input.openid
      ? (await scannerById(input.qrId, input.openid))
        ? 1
        : 0
      : (qr.metrics?.scanners ?? 0);
    const record: ScannerExportRecord = {
      _id: exportId,
      kind: KIND,
      status: 'running',
      requestedBy: actor,
      qrId: input.qrId,
      ...(input.openid ? { openid: input.openid } : {}),
      order: input.order,
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

/**
 * The starting action writes one file and answers (a list under 100,000 is then complete): a
 * file takes seconds, more would keep the operator waiting on a job the scheduler continues.
 */
const INLINE_BUDGET_MS = 0;

async function takeUserLock(actor: string, exportId: string, now: number): Promise<void> {
  const locks = db().collection(LOCKS);
  const lockId = `${KIND}:${actor}`;
  try {
    await locks.add({ data: { _id: lockId, exportId, since: now } });
    return;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const { data } = await locks.where({ _id: lockId }).limit(1).get();
  const held = data[0] as { exportId: string } | undefined;
  if (held) {
    const { data: exports } = await db()
      .collection(EXPORTS)
      .where({ _id: held.exportId })
      .limit(1)
      .get();
    const holder = exports[0] as ScannerExportRecord | undefined;
    if (holder?.status === 'running') throw exportInProgress();
  }
  // The holder finished (or died before it was recorded): take the lock over, once.
  const { stats } = await locks
    .where({ _id: lockId, exportId: held?.exportId ?? '' })
    .update({ data: { exportId, since: now } });
  if (stats.updated === 0) throw exportInProgress();
}

const exportInProgress = () =>
  new AppError('EXPORT_IN_PROGRESS', '你已有一个导出正在进行，请等它完成后再导出');

async function releaseUserLock(actor: string, exportId: string): Promise<void> {
  await db()
    .collection(LOCKS)
    .where({ _id: `${KIND}:${actor}`, exportId })
    .remove()
    .catch((error: unknown) => console.error('[export] lock not released', error));
}

export async function getExport(exportId: string): Promise<ExportProgress> {
  const { data } = await db()
    .collection(EXPORTS)
    .where({ _id: exportId, kind: KIND })
    .limit(1)
    .get();
  const record = data[0] as ScannerExportRecord | undefined;
  if (!record) throw new AppError('EXPORT_NOT_FOUND', '导出记录不存在');
  const files = await withLinks(record.files);
  return {
    exportId,
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
  const { fileList } = (await cloud.getTempFileURL({
    fileList: files.map((file) => ({ fileID: file.fileID, maxAge: LINK_MAX_AGE_S })),
  })) as { fileList: { fileID: string; tempFileURL: string }[] };
  const links = new Map(fileList.map((item) => [item.fileID, item.tempFileURL]));
  return files.map((file) => ({ ...file, url: links.get(file.fileID) ?? '' }));
}

/**
 * Works on one export until it is done or `deadlineAt` passed (at least one file either way).
 * Returns what it did; nothing when another run holds the export.
 */
export async function runExport(
  exportId: string,
  deadlineAt: number,
): Promise<{ files: number; done: boolean } | undefined> {
  const owner = randomBytes(8).toString('hex');
  const record = await claim<ScannerExportRecord>(EXPORTS, exportId, 'running', owner);
  if (!record) return undefined;
  let files = 0;
  try {
    const qr = await findQr(record.qrId);
    const tags = qr?.tagNames ?? [];
    let job = record;
    do {
      const next = await writeNextFile(job, tags, owner);
      if (!next) return { files, done: false };
      job = next;
      files += 1;
    } while (job.status === 'running' && Date.now() < deadlineAt);
    if (job.status === 'running') await release(EXPORTS, exportId, owner);
    else await releaseUserLock(job.requestedBy, exportId);
    return { files, done: job.status !== 'running' };
  } catch (error) {
    const failed = await recordFailure(EXPORTS, record, owner, error);
    if (failed) await releaseUserLock(record.requestedBy, exportId);
    throw error;
  }
}

/** Builds, uploads and records the export's next file; undefined when the lease was lost. */
async function writeNextFile(
  job: ScannerExportRecord,
  tags: readonly string[],
  owner: string,
): Promise<ScannerExportRecord | undefined> {
  const cap = job.openid ? 1 : MAX_EXPORT_ROWS;
  // A byte-order mark, so a spreadsheet opens the Chinese header as UTF-8.
  const lines = [`\ufeff${csvLine(SCANNER_CSV_HEADER)}`];
  let rows = 0;
  let cursor = job.cursor;
  let ended = false;
  if (job.openid) {
    const row = await scannerById(job.qrId, job.openid);
    if (row) lines.push(scannerCsvLine(row, tags));
    rows = row ? 1 : 0;
    ended = true;
  } else {
    while (rows < FILE_ROWS) {
      const want = Math.min(PAGE, FILE_ROWS - rows, cap - job.rowsDone - rows);
      if (want <= 0) break;
      const page: ScannerRecord[] = await scannerPage(job.qrId, job.order, job.until, cursor, want);
      for (const row of page) lines.push(scannerCsvLine(row, tags));
      rows += page.length;
      const last = page.at(-1);
      if (last) cursor = { at: last.firstScanAt, id: last._id };
      if (page.length < want) {
        ended = true;
        break;
      }
    }
    if (!ended) {
      ended =
        job.rowsDone + rows >= cap ||
        (await scannerPage(job.qrId, job.order, job.until, cursor, 1)).length === 0;
    }
  }
  const content = Buffer.from(lines.join(''));
  lines.length = 0;
  const name = scannerFileName(job.qrId, job.filesDone);
  const { fileID } = (await cloud.uploadFile({
    cloudPath: `exports/${job._id}/${name}`,
    fileContent: content,
  })) as { fileID: string };
  const file = { name, fileID, bytes: content.length };
  const now = Date.now();
  const _ = db().command;
  const progress = {
    rowsDone: job.rowsDone + rows,
    filesDone: job.filesDone + 1,
    files: _.push([file]),
    ...(cursor ? { cursor: _.set(cursor) } : {}),
    leaseUntil: now + LEASE_MS,
    failures: 0,
    ...(ended ? { status: 'done' as const, finishedAt: now } : {}),
  };
  const { stats } = await db()
    .collection(EXPORTS)
    .where({ _id: job._id, status: 'running', leaseOwner: owner, filesDone: job.filesDone })
    .update({ data: progress });
  if (stats.updated === 0) return undefined;
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
// Audiences

export async function createAudience(
  input: { qrId: string; name: string },
  actor: string,
): Promise<{ audience: AudienceView }> {
  const qr = await findQr(input.qrId);
  if (!qr) throw qrNotFound();
  const now = Date.now();
  const record: AudienceRecord = {
    _id: randomUUID(),
    name: input.name,
    qrId: input.qrId,
    order: 'asc',
    until: now,
    status: 'building',
    createdBy: actor,
    size: 0,
    pages: 0,
    leaseUntil: 0,
    failures: 0,
    createdAt: now,
  };
  await db().collection(AUDIENCES).add({ data: record });
  // One unit at once (up to 100,000 users); a larger list goes on in the scheduler.
  const built = await runAudience(record._id, now).catch(() => undefined);
  return { audience: toAudienceView(built ?? record) };
}

export async function listAudiences(
  input: ListAudiencesRequest & { limit: number; offset: number },
): Promise<{ audiences: AudienceView[] }> {
  const audiences = db().collection(AUDIENCES);
  const { data } = await (input.qrId ? audiences.where({ qrId: input.qrId }) : audiences)
    .orderBy('createdAt', 'desc')
    .skip(input.offset)
    .limit(input.limit)
    .get();
  return { audiences: (data as AudienceRecord[]).map(toAudienceView) };
}

function toAudienceView(record: AudienceRecord): AudienceView {
  return {
    audienceId: record._id,
    name: record.name,
    qrId: record.qrId,
    state: record.status,
    size: record.size,
    snapshotAt: new Date(record.until).toISOString(),
    createdAt: new Date(record.createdAt).toISOString(),
  };
}

/** The openids of an audience, page by page in the snapshot's order (for the features that target it). */
export async function* audienceMembers(audienceId: string): AsyncGenerator<string[]> {
  for (let page = 0; ; page += 1) {
    const { data } = await db()
      .collection(MEMBERS)
      .where({ _id: `${audienceId}:${page}` })
      .limit(1)
      .get();
    const chunk = data[0] as { openids: string[] } | undefined;
    if (!chunk) return;
    yield chunk.openids;
  }
}

/** Like runExport, for an audience; answers the audience as the run left it. */
export async function runAudience(
  audienceId: string,
  deadlineAt: number,
): Promise<AudienceRecord | undefined> {
  const owner = randomBytes(8).toString('hex');
  const record = await claim<AudienceRecord>(AUDIENCES, audienceId, 'building', owner);
  if (!record) return undefined;
  try {
    let job = record;
    do {
      const next = await writeNextMembers(job, owner);
      if (!next) return undefined;
      job = next;
    } while (job.status === 'building' && Date.now() < deadlineAt);
    if (job.status === 'building') await release(AUDIENCES, audienceId, owner);
    return job;
  } catch (error) {
    await recordFailure(AUDIENCES, record, owner, error);
    throw error;
  }
}

async function writeNextMembers(
  job: AudienceRecord,
  owner: string,
): Promise<AudienceRecord | undefined> {
  const members = db().collection(MEMBERS);
  let cursor = job.cursor;
  let size = job.size;
  let pages = job.pages;
  let ended = false;
  for (let written = 0; written < AUDIENCE_UNIT_PAGES; written += 1) {
    const want = Math.min(PAGE, MAX_EXPORT_ROWS - size);
    const page = want > 0 ? await scannerPage(job.qrId, job.order, job.until, cursor, want) : [];
    if (page.length > 0) {
      await members.doc(`${job._id}:${pages}`).set({
        data: { audienceId: job._id, page: pages, openids: page.map((row) => row.openid) },
      });
      pages += 1;
      size += page.length;
      const last = page.at(-1)!;
      cursor = { at: last.firstScanAt, id: last._id };
    }
    if (page.length < want || want === 0) {
      ended = true;
      break;
    }
  }
  const now = Date.now();
  const _ = db().command;
  const progress = {
    size,
    pages,
    ...(cursor ? { cursor: _.set(cursor) } : {}),
    leaseUntil: now + LEASE_MS,
    failures: 0,
    ...(ended ? { status: 'ready' as const, finishedAt: now } : {}),
  };
  const { stats } = await db()
    .collection(AUDIENCES)
    .where({ _id: job._id, status: 'building', leaseOwner: owner, pages: job.pages })
    .update({ data: progress });
  if (stats.updated === 0) return undefined;
  return {
    ...job,
    size,
    pages,
    ...(cursor ? { cursor } : {}),
    status: ended ? 'ready' : 'building',
  };
}

// ---------------------------------------------------------------------------------------------
// Leases and the scheduler

async function claim<T extends JobFields>(
  collection: string,
  id: string,
  running: string,
  owner: string,
): Promise<T | undefined> {
  const _ = db().command;
  const now = Date.now();
  const { stats } = await db()
    .collection(collection)
    .where({ _id: id, status: running, leaseUntil: _.lt(now) })
    .update({ data: { leaseUntil: now + LEASE_MS, leaseOwner: owner } });
  if (stats.updated === 0) return undefined;
  const { data } = await db().collection(collection).where({ _id: id }).limit(1).get();
  return data[0] as T | undefined;
}

async function release(collection: string, id: string, owner: string): Promise<void> {
  await db()
    .collection(collection)
    .where({ _id: id, leaseOwner: owner })
    .update({ data: { leaseUntil: 0 } });
}

/** Counts a failed run; the third in a row fails the job. True when the job is now failed. */
async function recordFailure(
  collection: string,
  job: JobFields,
  owner: string,
  error: unknown,
): Promise<boolean> {
  console.error(`[scanner-jobs] ${collection} ${job._id} run failed`, error);
  const failures = job.failures + 1;
  const failed = failures >= MAX_FAILURES;
  const message = error instanceof AppError ? error.message : '导出中断，请稍后重试';
  const { stats } = await db()
    .collection(collection)
    .where({ _id: job._id, leaseOwner: owner })
    .update({
      data: {
        failures,
        leaseUntil: 0,
        ...(failed ? { status: 'failed', error: message, finishedAt: Date.now() } : {}),
      },
    })
    .catch(() => ({ stats: { updated: 0 } }));
  return failed && stats.updated > 0;
}

/** Time a scheduler run keeps back for the file in hand when its deadline comes. */
const UNIT_RESERVE_MS = 15_000;

/**
 * The scheduler's `scannerJobs`: continues every unfinished export and audience nobody is
 * working on, oldest first, until its budget is spent.
 */
export async function continueScannerJobs(
  budgetMs: number,
): Promise<{ exports: number; audiences: number; files: number }> {
  const start = Date.now();
  const deadlineAt = start + Math.max(0, budgetMs - UNIT_RESERVE_MS);
  const _ = db().command;
  const report = { exports: 0, audiences: 0, files: 0 };
  const { data: exports } = await db()
    .collection(EXPORTS)
    .where({ kind: KIND, status: 'running', leaseUntil: _.lt(start) })
    .orderBy('createdAt', 'asc')
    .limit(10)
    .get();
  for (const record of exports as ScannerExportRecord[]) {
    if (Date.now() >= deadlineAt) break;
    const ran = await runExport(record._id, deadlineAt).catch(() => undefined);
    if (ran) {
      report.exports += 1;
      report.files += ran.files;
    }
  }
  const { data: audiences } = await db()
    .collection(AUDIENCES)
    .where({ status: 'building', leaseUntil: _.lt(start) })
    .orderBy('createdAt', 'asc')
    .limit(10)
    .get();
  for (const record of audiences as AudienceRecord[]) {
    if (Date.now() >= deadlineAt) break;
    if (await runAudience(record._id, deadlineAt).catch(() => undefined)) report.audiences += 1;
  }
  return report;
}
