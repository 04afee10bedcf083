/**
 * `oaReplySends`: one document per channel QR scan that may be welcomed (`_id` = the push's
 * dedupeKey). The claim is what makes a welcome at most once, whatever WeChat redelivers.
 */
import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

const SENDS = 'oaReplySends';

export interface ReplySendClaim {
  _id: string;
  qrId: string;
  openid: string;
  event: string;
  at: number;
}

/** Claims the scan's welcome; false when it was claimed before (a redelivery). */
export async function claimReplySend(claim: ReplySendClaim): Promise<boolean> {
  try {
    await db()
      .collection(SENDS)
      .add({ data: { ...claim, status: 'claimed' } });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) return false;
    throw error;
  }
}

/** The welcome's outcome, item by item. */
export async function finishReplySend(
  id: string,
  status: string,
  items: readonly object[],
  doneAt: number,
): Promise<void> {
  await db().collection(SENDS).where({ _id: id }).update({ data: { status, items, doneAt } });
}
