import { db } from '../cloud.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `payNotifications`: each WeChat Pay callback as it arrived, `_id` = WeChat's notification id.
 * Stored before the callback is acknowledged, so an acknowledged notification is never lost; a
 * redelivery finds its own record and is applied again harmlessly (payout moves are conditional).
 * Only what the payout needs is kept: no openid, no ciphertext.
 */
export interface PayNotificationRecord {
  _id: string;
  eventType: string;
  outBillNo: string;
  transferBillNo?: string;
  state: string;
  failReason?: string;
  transferAmount?: number;
  /** Epoch ms it first arrived. */
  receivedAt: number;
  deliveries: number;
  /** Epoch ms the payout was last brought in line with it. */
  appliedAt?: number;
}

const NOTIFICATIONS = 'payNotifications';

/** Stores a notification, or counts a redelivery of one already stored. */
export async function storeNotification(
  record: Omit<PayNotificationRecord, 'deliveries'>,
): Promise<'stored' | 'redelivered'> {
  try {
    await db()
      .collection(NOTIFICATIONS)
      .add({ data: { ...record, deliveries: 1 } });
    return 'stored';
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await db()
      .collection(NOTIFICATIONS)
      .doc(record._id)
      .update({ data: { deliveries: db().command.inc(1) } });
    return 'redelivered';
  }
}

export async function markApplied(id: string, at: number): Promise<void> {
  await db()
    .collection(NOTIFICATIONS)
    .doc(id)
    .update({ data: { appliedAt: at } });
}
