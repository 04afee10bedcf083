import { db } from '../cloud.js';
import type { OaPush } from '../domain/oa-push.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `oaEvents`: every push the Official Account's server URL accepted, one document per push
 * whatever WeChat's redeliveries (unique `dedupeKey`: MsgId for messages, FromUserName +
 * CreateTime + Event for events). Message contents are not kept: only what later features count
 * (who, what kind, when, which channel QR scene).
 */
export interface OaEventRecord {
  dedupeKey: string;
  kind: 'event' | 'message';
  /** `event`, or the message type (text, image, …). */
  msgType: string;
  event?: string;
  msgId?: string;
  openid: string;
  /** ToUserName, the Official Account's original id. */
  account: string;
  /** WeChat's CreateTime, epoch ms. */
  createdAt: number;
  scene?: string;
  ticket?: string;
  /** Epoch ms of the first delivery. */
  receivedAt: number;
  deliveries: number;
  /** Epoch ms its effects (follower state) were applied; absent until then. */
  appliedAt?: number;
}

const EVENTS = 'oaEvents';

export type RecordOutcome =
  /** First delivery: its effects are to be applied. */
  | 'new'
  /** A redelivery of a push whose effects were never applied (the first attempt died): apply them. */
  | 'unapplied'
  /** A redelivery of a push already applied: counted, nothing else. */
  | 'duplicate';

/**
 * Stores a push, or counts a redelivery. One round trip for a new push, two for a redelivery.
 * `applied` marks a push with nothing to apply (messages, other events) as applied at once.
 */
export async function recordPush(
  push: OaPush,
  receivedAt: number,
  applied: boolean,
): Promise<RecordOutcome> {
  const events = db().collection(EVENTS);
  const record: OaEventRecord = {
    dedupeKey: push.dedupeKey,
    kind: push.kind,
    msgType: push.kind === 'event' ? 'event' : push.msgType,
    ...(push.kind === 'event' ? { event: push.event } : { msgId: push.msgId }),
    openid: push.openid,
    account: push.account,
    createdAt: push.createTime * 1000,
    ...(push.kind === 'event' && push.scene !== undefined ? { scene: push.scene } : {}),
    ...(push.kind === 'event' && push.ticket !== undefined ? { ticket: push.ticket } : {}),
    receivedAt,
    deliveries: 1,
    ...(applied ? { appliedAt: receivedAt } : {}),
  };
  try {
    await events.add({ data: record });
    return 'new';
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const _ = db().command;
  const counted = await events
    .where({ dedupeKey: push.dedupeKey, appliedAt: _.exists(true) })
    .update({ data: { deliveries: _.inc(1) } });
  if (counted.stats.updated > 0) return 'duplicate';
  await events.where({ dedupeKey: push.dedupeKey }).update({ data: { deliveries: _.inc(1) } });
  return 'unapplied';
}

/** Notes that a push's effects are in place, so its redeliveries do nothing. */
export async function markApplied(dedupeKey: string, at: number): Promise<void> {
  await db()
    .collection(EVENTS)
    .where({ dedupeKey })
    .update({ data: { appliedAt: at } });
}
