import { db } from '../cloud.js';
import type { FollowEvent } from '../domain/oa-push.js';
import { isDuplicateKeyError } from './errors.js';

/**
 * `oaFollowers`: one document per Official Account user (`_id` = their OA openid) that a follow,
 * scan or unfollow event reached: whether they follow now, their first and last follow as we saw
 * them, and the channel QR scene of their latest follow. A user who followed before the server URL
 * existed appears at their first SCAN or unsubscribe, without follow times.
 *
 * Every change is conditional on `lastEventAt` being older than the event, so an event that
 * arrives late (WeChat's retries, a slow first attempt) never overwrites a newer state, and
 * applying the same event twice changes nothing the second time. CreateTime counts seconds: of
 * two events of one user within the same second, the first applied holds.
 */
export interface OaFollowerRecord {
  _id: string;
  openid: string;
  following: boolean;
  /** Follows seen (subscribe events). */
  followCount: number;
  /** Epoch ms (WeChat's CreateTime) of the first and the latest follow seen. */
  firstFollowedAt?: number;
  lastFollowedAt?: number;
  lastUnfollowedAt?: number;
  lastScannedAt?: number;
  /** Channel QR scene of the latest follow; absent when it was a plain follow. */
  scene?: string;
  /** CreateTime (epoch ms) of the latest event applied. */
  lastEventAt: number;
}

const FOLLOWERS = 'oaFollowers';

export interface FollowChange {
  openid: string;
  event: FollowEvent;
  /** Epoch ms (CreateTime). */
  at: number;
  scene?: string;
}

/**
 * Applies one follow, scan or unfollow. Round trips: a new user's follow 1 (insert); a returning
 * user's follow 2–3 (failed insert, update — a second one when it is the first follow seen of a
 * user known from a scan or unfollow); a scan or unfollow 1 (update), 2 for a user not seen yet.
 * Returns false when a newer event already holds (nothing changed).
 */
export async function applyFollowChange(change: FollowChange): Promise<boolean> {
  const followers = db().collection(FOLLOWERS);
  const _ = db().command;
  const { openid, at } = change;
  const newer = { _id: openid, lastEventAt: _.lt(at) };

  if (change.event === 'subscribe') {
    const state = {
      following: true,
      lastFollowedAt: at,
      lastEventAt: at,
      scene: change.scene === undefined ? _.remove() : change.scene,
    };
    if (
      await insertFollower(
        { followCount: 1, firstFollowedAt: at, ...state, scene: change.scene },
        change,
      )
    )
      return true;
    const returning = await followers
      .where({ ...newer, firstFollowedAt: _.exists(true) })
      .update({ data: { ...state, followCount: _.inc(1) } });
    if (returning.stats.updated > 0) return true;
    const firstSeen = await followers
      .where({ ...newer, firstFollowedAt: _.exists(false) })
      .update({ data: { ...state, followCount: _.inc(1), firstFollowedAt: at } });
    return firstSeen.stats.updated > 0;
  }

  const state =
    change.event === 'SCAN'
      ? { following: true, lastScannedAt: at, lastEventAt: at }
      : { following: false, lastUnfollowedAt: at, lastEventAt: at };
  const updated = await followers.where(newer).update({ data: state });
  if (updated.stats.updated > 0) return true;
  if (await insertFollower({ followCount: 0, ...state }, change)) return true;
  // Created a moment ago by another delivery: apply ours if it is the newer one.
  const retried = await followers.where(newer).update({ data: state });
  return retried.stats.updated > 0;
}

async function insertFollower(
  fields: Omit<OaFollowerRecord, '_id' | 'openid'>,
  change: FollowChange,
): Promise<boolean> {
  const data = Object.fromEntries(
    Object.entries({ ...fields, _id: change.openid, openid: change.openid }).filter(
      ([, value]) => value !== undefined,
    ),
  );
  try {
    await db().collection(FOLLOWERS).add({ data });
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}
