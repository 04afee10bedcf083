/**
 * Leases on background jobs (exports, audiences): a run takes a job whose lease has passed, keeps
 * it while it works, and gives it back. Every job document keeps `leaseUntil`, `leaseOwner` and
 * `failures` (core/exports/jobs.ts decides when a job fails).
 */
import { db } from '../cloud.js';

/** Takes the job's lease for `leaseMs` when it is `running` and nobody holds it; its document. */
export async function claimLease<T>(
  collection: string,
  id: string,
  running: string,
  owner: string,
  now: number,
  leaseMs: number,
): Promise<T | undefined> {
  const _ = db().command;
  const { stats } = await db()
    .collection(collection)
    .where({ _id: id, status: running, leaseUntil: _.lt(now) })
    .update({ data: { leaseUntil: now + leaseMs, leaseOwner: owner } });
  if (stats.updated === 0) return undefined;
  const { data } = await db().collection(collection).where({ _id: id }).limit(1).get();
  return data[0] as T | undefined;
}

export async function releaseLease(collection: string, id: string, owner: string): Promise<void> {
  await db()
    .collection(collection)
    .where({ _id: id, leaseOwner: owner })
    .update({ data: { leaseUntil: 0 } });
}

/** Records a failed run (the lease given back); false when the run no longer held it. */
export async function recordLeaseFailure(
  collection: string,
  id: string,
  owner: string,
  outcome: { failures: number; status?: 'failed'; error?: string; finishedAt?: number },
): Promise<boolean> {
  const { stats } = await db()
    .collection(collection)
    .where({ _id: id, leaseOwner: owner })
    .update({ data: { ...outcome, leaseUntil: 0 } });
  return stats.updated > 0;
}
