/**
 * The background export machine's documents (core/exports/jobs.ts): `exports` (one per export,
 * its cursor and files) and `exportLocks` (one export at a time per user, `_id` = `user:<openid>`).
 */
import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

const EXPORTS = 'exports';
const LOCKS = 'exportLocks';

/** Takes the user's lock for `exportId`; false when it is held (by a running export or not). */
export async function addUserLock(lockId: string, exportId: string, now: number): Promise<boolean> {
  try {
    await db()
      .collection(LOCKS)
      .add({ data: { _id: lockId, exportId, since: now } });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

export async function findUserLock(lockId: string): Promise<{ exportId: string } | undefined> {
  const { data } = await db().collection(LOCKS).where({ _id: lockId }).limit(1).get();
  return data[0] as { exportId: string } | undefined;
}

/** Takes the lock over from `heldBy`, once; false when another run took it first. */
export async function takeOverUserLock(
  lockId: string,
  heldBy: string,
  exportId: string,
  now: number,
): Promise<boolean> {
  const { stats } = await db()
    .collection(LOCKS)
    .where({ _id: lockId, exportId: heldBy })
    .update({ data: { exportId, since: now } });
  return stats.updated > 0;
}

export async function removeUserLock(lockId: string, exportId: string): Promise<void> {
  await db().collection(LOCKS).where({ _id: lockId, exportId }).remove();
}

export async function findExportJob<T>(exportId: string): Promise<T | undefined> {
  const { data } = await db().collection(EXPORTS).where({ _id: exportId }).limit(1).get();
  return data[0] as T | undefined;
}

/** The user's exports of `kinds`, newest first. */
export async function listUserExports<T>(
  actor: string,
  kinds: readonly string[],
  limit: number,
): Promise<T[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(EXPORTS)
    .where({ requestedBy: actor, kind: _.in([...kinds]) })
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .get();
  return data as T[];
}

/**
 * A file written: its record, the cursor and the counts in one write, conditional on the run
 * still holding the lease and no other file recorded since (`filesDone`). False when it lost.
 */
export async function recordExportFile(
  exportId: string,
  owner: string,
  filesDone: number,
  progress: {
    rowsDone: number;
    filesDone: number;
    file: { name: string; fileID: string; bytes: number };
    cursor?: { at: number; id: string };
    leaseUntil: number;
    status?: 'done';
    finishedAt?: number;
  },
): Promise<boolean> {
  const _ = db().command;
  const { file, cursor, ...counts } = progress;
  const { stats } = await db()
    .collection(EXPORTS)
    .where({ _id: exportId, status: 'running', leaseOwner: owner, filesDone })
    .update({
      data: {
        ...counts,
        files: _.push([file]),
        ...(cursor ? { cursor: _.set(cursor) } : {}),
        failures: 0,
      },
    });
  return stats.updated > 0;
}

/** Running exports of `kinds` nobody holds at `start`, oldest first. */
export async function exportsToContinue<T>(
  kinds: readonly string[],
  start: number,
  limit: number,
): Promise<T[]> {
  const _ = db().command;
  const { data } = await db()
    .collection(EXPORTS)
    .where({ kind: _.in([...kinds]), status: 'running', leaseUntil: _.lt(start) })
    .orderBy('createdAt', 'asc')
    .limit(limit)
    .get();
  return data as T[];
}
