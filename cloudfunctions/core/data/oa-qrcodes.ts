/**
 * `oaQrcodes`: the console's channel QR codes (`_id` = qrId, unique `scene`), their configuration
 * and the metrics scans move (core/oa/channel-qrs.ts decides, core/oa/channel-scan.ts counts).
 */
import type {
  ChannelQrMetrics,
  ChannelQrReplies,
  ChannelQrStatus,
  ChannelQrType,
  ListChannelQrsRequest,
} from '../../../typings/admin.js';
import { db } from '../cloud.js';

export const QRCODES = 'oaQrcodes';

export interface QrRecord {
  _id: string;
  name: string;
  type: ChannelQrType;
  status: 'creating' | 'active' | 'creation_failed' | 'deleted';
  scene: string;
  ticket: string;
  url: string;
  /** Epoch ms (temporary codes). */
  expiresAt?: number;
  expireSeconds?: number;
  channel?: string;
  tagNames: string[];
  replies: ChannelQrReplies;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  failureReason?: string;
  deletedAt?: number;
  /** The status it had when deleted. */
  deletedFrom?: string;
  copiedFrom?: string;
  metrics: ChannelQrMetrics;
}

export async function findQr(qrId: string): Promise<QrRecord | undefined> {
  const { data } = await db().collection(QRCODES).where({ _id: qrId }).limit(1).get();
  return data[0] as QrRecord | undefined;
}

/** The codes of `ids` that exist (ids distinct), in one read. */
export async function findQrs(ids: readonly string[]): Promise<QrRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(QRCODES)
    .where({ _id: _.in([...ids]) })
    .limit(ids.length)
    .get();
  return data as QrRecord[];
}

export async function insertQr(record: QrRecord): Promise<void> {
  await db().collection(QRCODES).add({ data: record });
}

/** What WeChat answered for a code being created. */
export async function setQrFields(qrId: string, fields: Partial<QrRecord>): Promise<void> {
  await db().collection(QRCODES).where({ _id: qrId }).update({ data: fields });
}

/** An edit of a code not deleted meanwhile; false when it was. */
export async function updateLiveQr(qrId: string, changes: Partial<QrRecord>): Promise<boolean> {
  const _ = db().command;
  // `set` for arrays and replies: a partial merge would keep items the operator removed.
  const data: Record<string, unknown> = { ...changes };
  if (changes.tagNames) data.tagNames = _.set(changes.tagNames);
  if (changes.replies) data.replies = _.set(changes.replies);
  const updated = await db()
    .collection(QRCODES)
    .where({ _id: qrId, status: _.neq('deleted') })
    .update({ data });
  return updated.stats.updated > 0;
}

/** Deletes a code (a status: its scene stays reserved); false when it was deleted already. */
export async function markQrDeleted(
  qrId: string,
  deletedFrom: string,
  now: number,
): Promise<boolean> {
  const _ = db().command;
  const updated = await db()
    .collection(QRCODES)
    .where({ _id: qrId, status: _.neq('deleted') })
    .update({ data: { status: 'deleted', deletedAt: now, deletedFrom, updatedAt: now } });
  return updated.stats.updated > 0;
}

/** The console's list: by name (a keyword), by status as shown at `now`, newest first. */
export async function listQrRecords(
  input: Required<Pick<ListChannelQrsRequest, 'limit' | 'offset'>> & ListChannelQrsRequest,
  now: number,
): Promise<QrRecord[]> {
  const database = db();
  const _ = database.command;
  const conditions: object[] = [];
  if (input.keyword) {
    conditions.push({
      name: database.RegExp({
        regexp: input.keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        options: 'i',
      }),
    });
  }
  const status: ChannelQrStatus | undefined = input.status;
  if (status === 'expired') {
    conditions.push({ status: 'active', expiresAt: _.lte(now) });
  } else if (status === 'active') {
    // Permanent codes have no expiresAt; temporary ones are active until it passes.
    conditions.push(
      _.or([
        { status: 'active', expiresAt: _.gt(now) },
        { status: 'active', expiresAt: _.exists(false) },
      ]),
    );
  } else if (status) {
    conditions.push({ status });
  } else {
    conditions.push({ status: _.neq('deleted') });
  }
  const where = conditions.length === 1 ? conditions[0]! : _.and(conditions);
  const { data } = await database
    .collection(QRCODES)
    .where(where)
    .orderBy('createdAt', 'desc')
    .skip(input.offset)
    .limit(input.limit)
    .get();
  return data as QrRecord[];
}

/** A page of the codes not deleted (all, or those of `qrIds`), newest first: the links CSV. */
export async function qrLinkPage(
  qrIds: readonly string[] | undefined,
  offset: number,
  limit: number,
): Promise<QrRecord[]> {
  const _ = db().command;
  const where = qrIds
    ? { _id: _.in([...qrIds]), status: _.neq('deleted') }
    : { status: _.neq('deleted') };
  const { data } = await db()
    .collection(QRCODES)
    .where(where)
    .orderBy('createdAt', 'desc')
    .skip(offset)
    .limit(limit)
    .get();
  return data as QrRecord[];
}

/** The code a scan names by its scene (unique index `scene`). */
export async function findQrByScene(scene: string): Promise<QrRecord | undefined> {
  const { data } = await db().collection(QRCODES).where({ scene }).limit(1).get();
  return data[0] as QrRecord | undefined;
}

/** Moves a code's counters (`_.inc`; zeros are left out). */
export async function addQrMetrics(
  qrId: string,
  counters: Partial<ChannelQrMetrics>,
): Promise<void> {
  const _ = db().command;
  const metrics = Object.fromEntries(
    Object.entries(counters)
      .filter(([, value]) => value !== 0)
      .map(([name, value]) => [name, _.inc(value)]),
  );
  await db().collection(QRCODES).where({ _id: qrId }).update({ data: { metrics } });
}
