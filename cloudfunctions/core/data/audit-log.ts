import { randomBytes } from 'node:crypto';
import type { AdminAction, MemberRole } from '../../../typings/admin.js';
import { db } from '../cloud.js';

/**
 * `auditLog`: one document per write of the console, appended after the write succeeded. Append
 * only: this module adds and reads, nothing updates or removes an entry.
 */
export interface AuditRecord {
  _id: string;
  /** Epoch ms. */
  at: number;
  actor: string;
  role: MemberRole | null;
  action: AdminAction;
  target: string;
  summary: string;
}

const AUDIT_LOG = 'auditLog';

export async function appendAuditEntry(entry: Omit<AuditRecord, '_id'>): Promise<void> {
  // Time first, so entries written in the same millisecond still sort in a stable order.
  const _id = `${entry.at.toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`;
  await db()
    .collection(AUDIT_LOG)
    .add({ data: { _id, ...entry } });
}

/** Newest first, optionally one action's or one actor's entries. */
export async function listAuditEntries(query: {
  action?: AdminAction;
  actor?: string;
  limit: number;
  offset: number;
}): Promise<AuditRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(AUDIT_LOG)
    .where({
      _openid: _.exists(false),
      ...(query.action ? { action: query.action } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
    })
    .orderBy('at', 'desc')
    .orderBy('_id', 'desc')
    .skip(query.offset)
    .limit(query.limit)
    .get();
  return data as AuditRecord[];
}
