/**
 * The background jobs over a channel QR code's scanners (issue 11 point 5): the CSV export, which
 * the shared export machine runs (core/exports/jobs.ts, source `qrScanners` in
 * core/exports/sources.ts), and the audience snapshot, built here the same way: it reads the
 * scanners in pages by first scan time (scanners.ts), up to the job's moment, and moves forward
 * in units of up to 100 pages of 1,000 openids, each page a document of `audienceMembers` written
 * with a fixed id (so a unit redone overwrites, never doubles), then the cursor and size in one
 * conditional write (`audiences`). The action does one unit (up to 100,000 users) at once; the
 * scheduler's `exportJobs` continues every minute under the machine's lease rules.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AudienceView, ListAudiencesRequest } from '../../../typings/admin.js';
import {
  AUDIENCES,
  audienceMemberPage,
  audiencesToContinue,
  insertAudience,
  listAudienceRecords,
  recordAudienceProgress,
  writeAudienceMembers,
  type AudienceRecord,
} from '../data/audiences.js';
import { MAX_EXPORT_ROWS } from '../domain/qr-exports.js';
import {
  LEASE_MS,
  PAGE,
  UNIT_RESERVE_MS,
  claimJob,
  continueExports,
  releaseJob,
  recordJobFailure,
  startExport,
} from '../exports/jobs.js';
import { qrScannersSource } from '../exports/sources.js';
import { findQr } from '../data/oa-qrcodes.js';
import { qrNotFound } from './channel-qrs.js';
import { type ScanOrder, scannerPage } from '../data/oa-qr-scanners.js';

const AUDIENCE_UNIT_PAGES = 100;

/** `exportQrScanners`: the code's scanners (or one of them) as CSV, in the background. */
export async function exportQrScanners(
  input: { qrId: string; openid?: string; order: ScanOrder },
  actor: string,
  inlineBudgetMs = 0,
): Promise<{ exportId: string }> {
  if (!(await findQr(input.qrId))) throw qrNotFound();
  const filter = {
    qrId: input.qrId,
    order: input.order,
    ...(input.openid ? { openid: input.openid } : {}),
  };
  return startExport(qrScannersSource, filter, actor, inlineBudgetMs);
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
  await insertAudience(record);
  // One unit at once (up to 100,000 users); a larger list goes on in the scheduler.
  const built = await runAudience(record._id, now).catch(() => undefined);
  return { audience: toAudienceView(built ?? record) };
}

export async function listAudiences(
  input: ListAudiencesRequest & { limit: number; offset: number },
): Promise<{ audiences: AudienceView[] }> {
  const data = await listAudienceRecords(input);
  return { audiences: data.map(toAudienceView) };
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
    const openids = await audienceMemberPage(audienceId, page);
    if (!openids) return;
    yield openids;
  }
}

/** Like runExport, for an audience; answers the audience as the run left it. */
export async function runAudience(
  audienceId: string,
  deadlineAt: number,
): Promise<AudienceRecord | undefined> {
  const owner = randomBytes(8).toString('hex');
  const record = await claimJob<AudienceRecord>(AUDIENCES, audienceId, 'building', owner);
  if (!record) return undefined;
  try {
    let job = record;
    do {
      const next = await writeNextMembers(job, owner);
      if (!next) return undefined;
      job = next;
    } while (job.status === 'building' && Date.now() < deadlineAt);
    if (job.status === 'building') await releaseJob(AUDIENCES, audienceId, owner);
    return job;
  } catch (error) {
    await recordJobFailure(AUDIENCES, record, owner, error);
    throw error;
  }
}

async function writeNextMembers(
  job: AudienceRecord,
  owner: string,
): Promise<AudienceRecord | undefined> {
  let cursor = job.cursor;
  let size = job.size;
  let pages = job.pages;
  let ended = false;
  for (let written = 0; written < AUDIENCE_UNIT_PAGES; written += 1) {
    const want = Math.min(PAGE, MAX_EXPORT_ROWS - size);
    const page = want > 0 ? await scannerPage(job.qrId, job.order, job.until, cursor, want) : [];
    if (page.length > 0) {
      await writeAudienceMembers(
        job._id,
        pages,
        page.map((row) => row.openid),
      );
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
  const recorded = await recordAudienceProgress(job._id, owner, job.pages, {
    size,
    pages,
    ...(cursor ? { cursor } : {}),
    leaseUntil: now + LEASE_MS,
    ...(ended ? { status: 'ready' as const, finishedAt: now } : {}),
  });
  if (!recorded) return undefined;
  return {
    ...job,
    size,
    pages,
    ...(cursor ? { cursor } : {}),
    status: ended ? 'ready' : 'building',
  };
}

// ---------------------------------------------------------------------------------------------
// The scheduler

/**
 * The scheduler's `exportJobs`: continues every unfinished export (any kind) and audience nobody
 * is working on, oldest first, until its budget is spent.
 */
export async function continueExportJobs(
  budgetMs: number,
): Promise<{ exports: number; audiences: number; files: number }> {
  const start = Date.now();
  const deadlineAt = start + Math.max(0, budgetMs - UNIT_RESERVE_MS);
  const exported = await continueExports(start, deadlineAt);
  const report = { exports: exported.exports, audiences: 0, files: exported.files };
  for (const record of await audiencesToContinue(start, 10)) {
    if (Date.now() >= deadlineAt) break;
    if (await runAudience(record._id, deadlineAt).catch(() => undefined)) report.audiences += 1;
  }
  return report;
}
