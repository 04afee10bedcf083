/**
 * Audiences (core/oa/scanner-jobs.ts): `audiences`, a channel QR code's scanners frozen at a
 * moment and built in the background under a lease, and `audienceMembers`, their openids in
 * pages (`_id` = audienceId:page).
 */
import type { ListAudiencesRequest } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import type { ScanOrder, ScannerCursor } from './oa-qr-scanners.js';

export const AUDIENCES = 'audiences';
const MEMBERS = 'audienceMembers';

export interface AudienceRecord {
  _id: string;
  qrId: string;
  order: ScanOrder;
  /** The audience's moment (epoch ms): scanners who first scanned after it are not in it. */
  until: number;
  cursor?: ScannerCursor;
  leaseUntil: number;
  leaseOwner?: string;
  failures: number;
  createdAt: number;
  finishedAt?: number;
  error?: string;
  name: string;
  status: 'building' | 'ready' | 'failed';
  createdBy: string;
  size: number;
  pages: number;
}

export async function insertAudience(record: AudienceRecord): Promise<void> {
  await db().collection(AUDIENCES).add({ data: record });
}

/** Newest first, all or one code's. */
export async function listAudienceRecords(
  input: ListAudiencesRequest & { limit: number; offset: number },
): Promise<AudienceRecord[]> {
  const audiences = db().collection(AUDIENCES);
  const { data } = await (input.qrId ? audiences.where({ qrId: input.qrId }) : audiences)
    .orderBy('createdAt', 'desc')
    .skip(input.offset)
    .limit(input.limit)
    .get();
  return data as AudienceRecord[];
}

/** The openids of an audience's page `page`; undefined past its last page. */
export async function audienceMemberPage(
  audienceId: string,
  page: number,
): Promise<string[] | undefined> {
  const { data } = await db()
    .collection(MEMBERS)
    .where({ _id: `${audienceId}:${page}` })
    .limit(1)
    .get();
  return (data[0] as { openids: string[] } | undefined)?.openids;
}

/** Writes (or rewrites, after a lost lease) one page of members. */
export async function writeAudienceMembers(
  audienceId: string,
  page: number,
  openids: string[],
): Promise<void> {
  await db()
    .collection(MEMBERS)
    .doc(`${audienceId}:${page}`)
    .set({ data: { audienceId, page, openids } });
}

/**
 * The pages written, with the cursor, conditional on the run still holding the lease and no
 * page recorded since (`pages`). False when it lost.
 */
export async function recordAudienceProgress(
  audienceId: string,
  owner: string,
  pagesBefore: number,
  progress: {
    size: number;
    pages: number;
    cursor?: ScannerCursor;
    leaseUntil: number;
    status?: 'ready';
    finishedAt?: number;
  },
): Promise<boolean> {
  const _ = db().command;
  const { cursor, ...rest } = progress;
  const { stats } = await db()
    .collection(AUDIENCES)
    .where({ _id: audienceId, status: 'building', leaseOwner: owner, pages: pagesBefore })
    .update({ data: { ...rest, ...(cursor ? { cursor: _.set(cursor) } : {}), failures: 0 } });
  return stats.updated > 0;
}

/** Audiences still building that nobody holds at `start`, oldest first. */
export async function audiencesToContinue(start: number, limit: number): Promise<AudienceRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(AUDIENCES)
    .where({ status: 'building', leaseUntil: _.lt(start) })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .get();
  return data as AudienceRecord[];
}
