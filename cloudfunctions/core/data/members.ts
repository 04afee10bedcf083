import type { MemberRole } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import { inviteRefusal, leavesAnAdmin, type InviteRefusal } from '../domain/permissions.js';
import { isTransactionConflict } from './errors.js';
import { INVITES, type InviteRecord } from './invites.js';

/**
 * `roles`: one document per member, `_id` = the member's openid (so a transaction can read it by
 * id: CloudBase transactions only read and write single documents). `roleCounts` holds how many
 * of them are administrators, and every change of a role moves that count in the same
 * transaction: two administrators revoking each other at once both write the count, so one
 * transaction wins and the other sees one administrator left (LAST_ADMIN).
 *
 * Documents carrying `_openid` were written by a client, not by these functions: they are
 * ignored, never trusted as a role.
 */
export interface MemberRecord {
  _id: string;
  openid: string;
  role: MemberRole;
  source: 'grant' | 'invite';
  /** Who granted the role or created the invite. */
  grantedBy: string;
  /** Epoch ms of the grant (or of the last change of role). */
  grantedAt: number;
  /** The invite's id (its code's hash) when the member joined by invite. */
  inviteId?: string;
}

interface RoleCounts {
  admins: number;
}

const ROLES = 'roles';
const ROLE_COUNTS = 'roleCounts';
const COUNTS_ID = 'members';

/**
 * The role `openid` holds in the roles collection, or null. The one query of roles every admin
 * call makes (bootstrap administrators are settled before it, in core/auth/roles.ts).
 */
export async function findMemberRole(openid: string): Promise<MemberRecord | null> {
  const _ = db().command;
  const { data } = await db()
    .collection(ROLES)
    .where({ openid, _openid: _.exists(false) })
    .limit(1)
    .get();
  return (data[0] as MemberRecord | undefined) ?? null;
}

/** Members in the order they joined. */
export async function listMemberRecords(page: {
  limit: number;
  offset: number;
}): Promise<MemberRecord[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(ROLES)
    .where({ openid: _.exists(true), _openid: _.exists(false) })
    .orderBy('grantedAt', 'asc')
    .skip(page.offset)
    .limit(page.limit)
    .get();
  return data as MemberRecord[];
}

export type RoleChangeRefusal = 'LAST_ADMIN' | 'MEMBER_NOT_FOUND';
export type JoinRefusal = InviteRefusal | 'INVITE_NOT_FOUND' | 'ALREADY_MEMBER';

export type Outcome<T, Refusal extends string> =
  { ok: true; value: T } | { ok: false; refusal: Refusal };

/**
 * Gives `openid` the role (or changes it). Refused with LAST_ADMIN when it would take the role
 * from the last administrator; `bootstrapAdmins` (ADMIN_OPENIDS) count as administrators.
 */
export function setMemberRole(change: {
  openid: string;
  role: MemberRole;
  grantedBy: string;
  bootstrapAdmins: number;
  now: number;
}): Promise<Outcome<MemberRecord, 'LAST_ADMIN'>> {
  return inTransaction(async (tx) => {
    const current = await readRole(tx, change.openid);
    if (current?.role === change.role) return { ok: true, value: current };
    const counts = await readCounts(tx);
    const removesAdmin = current?.role === 'admin';
    if (!leavesAnAdmin({ ...counts, bootstrapAdmins: change.bootstrapAdmins, removesAdmin })) {
      return { ok: false, refusal: 'LAST_ADMIN' };
    }
    const record: MemberRecord = {
      _id: change.openid,
      openid: change.openid,
      role: change.role,
      source: 'grant',
      grantedBy: change.grantedBy,
      grantedAt: change.now,
    };
    await writeRole(tx, record);
    await moveAdminCount(tx, counts, current?.role, change.role);
    return { ok: true, value: record };
  });
}

/** Takes `openid`'s role away; the last administrator's is refused (LAST_ADMIN). */
export function removeMember(change: {
  openid: string;
  bootstrapAdmins: number;
}): Promise<Outcome<MemberRecord, RoleChangeRefusal>> {
  return inTransaction(async (tx) => {
    const current = await readRole(tx, change.openid);
    if (!current) return { ok: false, refusal: 'MEMBER_NOT_FOUND' };
    const counts = await readCounts(tx);
    const removesAdmin = current.role === 'admin';
    if (!leavesAnAdmin({ ...counts, bootstrapAdmins: change.bootstrapAdmins, removesAdmin })) {
      return { ok: false, refusal: 'LAST_ADMIN' };
    }
    await tx.collection(ROLES).doc(change.openid).remove();
    await moveAdminCount(tx, counts, current.role, undefined);
    return { ok: true, value: current };
  });
}

/**
 * Uses the invite `inviteId` for `openid`: marks it used and grants its role, in one
 * transaction, so of any number of users accepting it at once exactly one joins. A user who
 * already has a role (or is a bootstrap administrator) is refused and leaves the invite unused.
 */
export function joinWithInvite(join: {
  inviteId: string;
  openid: string;
  isBootstrapAdmin: boolean;
  now: number;
}): Promise<Outcome<MemberRecord, JoinRefusal>> {
  return inTransaction(async (tx) => {
    const invite = await readDoc<InviteRecord>(tx.collection(INVITES).doc(join.inviteId));
    if (!invite) return { ok: false, refusal: 'INVITE_NOT_FOUND' };
    const refusal = inviteRefusal(invite, join.now);
    if (refusal) return { ok: false, refusal };
    const current = await readRole(tx, join.openid);
    if (current || join.isBootstrapAdmin) return { ok: false, refusal: 'ALREADY_MEMBER' };
    const counts = await readCounts(tx);
    await tx
      .collection(INVITES)
      .doc(join.inviteId)
      .update({ data: { usedBy: join.openid, usedAt: join.now } });
    const record: MemberRecord = {
      _id: join.openid,
      openid: join.openid,
      role: invite.role,
      source: 'invite',
      grantedBy: invite.createdBy,
      grantedAt: join.now,
      inviteId: join.inviteId,
    };
    await writeRole(tx, record);
    await moveAdminCount(tx, counts, undefined, invite.role);
    return { ok: true, value: record };
  });
}

// --- inside a transaction ----------------------------------------------------------------------

interface TransactionDoc {
  get(): Promise<{ data: unknown }>;
  set(options: { data: Record<string, unknown> }): Promise<unknown>;
  update(options: { data: Record<string, unknown> }): Promise<unknown>;
  remove(): Promise<unknown>;
}
interface Transaction {
  collection(name: string): { doc(id: string): TransactionDoc };
}

async function readRole(tx: Transaction, openid: string): Promise<MemberRecord | undefined> {
  return readDoc<MemberRecord>(tx.collection(ROLES).doc(openid));
}

async function writeRole(tx: Transaction, record: MemberRecord): Promise<void> {
  // `set` replaces the document: `_id` travels as the document's id, not in its data.
  const { _id, ...data } = record;
  await tx.collection(ROLES).doc(_id).set({ data });
}

async function readCounts(tx: Transaction): Promise<{ grantedAdmins: number }> {
  const counts = await readDoc<RoleCounts>(tx.collection(ROLE_COUNTS).doc(COUNTS_ID));
  return { grantedAdmins: counts?.admins ?? 0 };
}

async function moveAdminCount(
  tx: Transaction,
  counts: { grantedAdmins: number },
  from: MemberRole | undefined,
  to: MemberRole | undefined,
): Promise<void> {
  const delta = (to === 'admin' ? 1 : 0) - (from === 'admin' ? 1 : 0);
  if (delta === 0) return;
  // Written from what this transaction read: a concurrent change of the count makes one of the
  // two transactions fail (and run again), never both succeed on a stale count.
  await tx
    .collection(ROLE_COUNTS)
    .doc(COUNTS_ID)
    .set({ data: { admins: counts.grantedAdmins + delta } });
}

/** The document, or undefined when it is missing or was written by a client (`_openid`). */
async function readDoc<T>(doc: TransactionDoc): Promise<T | undefined> {
  let data: unknown;
  try {
    ({ data } = await doc.get());
  } catch (error) {
    // Outside transactions a missing id rejects; inside, SDK versions differ: accept both.
    if (/not exist|not found/i.test(String((error as { message?: unknown }).message))) {
      return undefined;
    }
    throw error;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  if ('_openid' in data) return undefined;
  return data as T;
}

const TRANSACTION_ATTEMPTS = 5;

/**
 * Runs `work` in a transaction, again from the start when another transaction held the
 * documents (nothing was written then): `work` reads everything it decides on inside.
 */
async function inTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
  const database = db() as unknown as {
    runTransaction<R>(run: (tx: Transaction) => Promise<R>): Promise<R>;
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.runTransaction(work);
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= TRANSACTION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 50));
    }
  }
}
