/**
 * What a scan of a channel QR code does (issue 11 point 3), called from push.ts's `onChannelScan`
 * after the follower state moved, for a non-follower's follow from the code (`subscribe` with
 * `qrscene_<scene>`) or a follower's `SCAN`:
 *
 *   1. the code by its scene (`oaQrcodes`, unique `scene`); unknown, deleted or failed → nothing
 *      (the follow itself was recorded by push.ts: WeChat cannot withdraw a deleted code);
 *   2. the scan is claimed once in `oaReplySends` (`_id` = the push's dedupeKey): a redelivery,
 *      even one whose first attempt died half-way, finds the claim and does nothing, so no reply
 *      is ever sent twice (at most once: a crash after the claim loses that welcome);
 *   3. the scanner (`oaQrScanners`, `_id` = qrId:openid) and the code's counters (`_.inc`);
 *   4. side by side: the user is tagged (tags created on first use, `tags/create`, a duplicate
 *      name 45157 looked up with `tags/get`, then `batchtagging` per tag), and the replies are
 *      sent in their order as customer-service messages (the scan opened WeChat's window: 3
 *      messages within 1 minute, §6.1). Media come from the material hub, uploaded again when
 *      WeChat's copy is missing or older than 2.5 days. 45015 / 45047 (window closed / used up)
 *      end the sequence and are recorded; nothing is retried past the client's own rules;
 *   5. the welcome's outcome: scanner (received), counters (replies sent / received), claim.
 *
 * Per scan, with T tags and R reply items (R ≤ 3), media fresh and tags known:
 *   database round trips: code 1, claim 1, scanner 1 (a new scanner) or 2 (a returning one; 3
 *   for their first follow from the code), scan counters 1 and tag ids 1 (both beside the
 *   sends), materials 1 (when an item has one), then received 1 (when the welcome arrived) and,
 *   in parallel, reply counters 1, scanner status 1 (a user who had received before) and the
 *   claim's outcome 1. A new user's follow: 9; a follower's scan: 11; 6–8 of them in sequence.
 *   Plus 1 per tag created (oaTags), 1 per medium renewed, and a storage URL per link card.
 *   WeChat calls: R sends (sequential: order matters) + T batchtagging (beside the sends); plus
 *   tags/create per tag on its first use (tags/get too on 45157) and media/upload per medium
 *   missing or older than 2.5 days. A scan of a code with 1 tag and 3 replies: 4 WeChat calls.
 *   Measured locally (integration/channel-qr.test.ts): a follower's scan with 1 tag and 3
 *   replies is answered in about 0.1 s, a first follow that also creates the tag and uploads the
 *   image in about 0.35 s — far inside push.ts's 3 s budget and WeChat's 5 s.
 */
import type { ChannelQrMetrics, ReplyItem } from '../../../typings/admin.js';
import { db } from '../cloud.js';
import { isDuplicateKeyError } from '../data/errors.js';
import {
  type ReplyStatus,
  type ResolvedMedia,
  type ScannerBefore,
  WINDOW_CLOSED_ERRCODE,
  WINDOW_COUNT_ERRCODE,
  appliesScans,
  customMessage,
  materialOf,
  replyIncrements,
  replyStatusOf,
  scanIncrements,
  statusAt,
} from '../domain/channel-qr.js';
import { WeChatApiError } from '../wechat/errors.js';
import { channelApis } from '../wechat/oa/channel-apis.js';
import { QRCODES, type QrRecord } from '../data/oa-qrcodes.js';
import { findMaterials, type MaterialRecord } from '../data/oa-materials.js';
import { freshMediaId, thumbnailUrl } from './materials.js';

const SCANNERS = 'oaQrScanners';
const SENDS = 'oaReplySends';
const TAGS = 'oaTags';

export interface ChannelScan {
  openid: string;
  event: 'subscribe' | 'SCAN';
  dedupeKey: string;
  /** Epoch ms (CreateTime). */
  at: number;
}

export interface ItemOutcome {
  kind: ReplyItem['kind'];
  ok: boolean;
  errcode?: number;
  /** Not attempted: the window closed on an earlier item. */
  skipped?: boolean;
}

export type ScanOutcome =
  | { applied: false; reason: 'unknown_scene' | 'not_applied_status' | 'duplicate' }
  | { applied: true; qrId: string; replyStatus: ReplyStatus; items: ItemOutcome[] };

export async function applyChannelScan(scan: ChannelScan, scene: string): Promise<ScanOutcome> {
  const database = db();
  const _ = database.command;
  const { data } = await database.collection(QRCODES).where({ scene }).limit(1).get();
  const qr = data[0] as QrRecord | undefined;
  if (!qr) return { applied: false, reason: 'unknown_scene' };
  if (!appliesScans(statusAt(qr, scan.at))) return { applied: false, reason: 'not_applied_status' };

  try {
    await database.collection(SENDS).add({
      data: {
        _id: scan.dedupeKey,
        qrId: qr._id,
        openid: scan.openid,
        event: scan.event,
        at: scan.at,
        status: 'claimed',
      },
    });
  } catch (error) {
    if (isDuplicateKeyError(error)) return { applied: false, reason: 'duplicate' };
    throw error;
  }

  const before = await recordScanner(qr._id, scan);
  const increments = scanIncrements(scan.event, before);
  const counted = database
    .collection(QRCODES)
    .where({ _id: qr._id })
    .update({ data: { metrics: incOf(increments) } });

  const items = qr.replies?.enabled ? qr.replies.items : [];
  const [, , outcomes] = await Promise.all([
    counted,
    tagUser(qr.tagNames ?? [], scan.openid).catch((error: unknown) => {
      console.error('[oa] tagging failed:', error instanceof Error ? error.message : error);
    }),
    sendReplies(items, scan.openid),
  ]);

  const delivered = outcomes.filter((outcome) => outcome.ok).length;
  const replyStatus = replyStatusOf(delivered, items.length);
  const reached = replyStatus === 'sent' || replyStatus === 'partial';
  let receivedBefore = true;
  if (reached) {
    const first = await database
      .collection(SCANNERS)
      .where({ _id: scannerId(qr._id, scan.openid), received: false })
      .update({ data: { received: true, lastReplyStatus: replyStatus } });
    receivedBefore = first.stats.updated === 0;
  }
  const replied = replyIncrements(replyStatus, receivedBefore);
  await Promise.all([
    reached
      ? database
          .collection(QRCODES)
          .where({ _id: qr._id })
          .update({ data: { metrics: incOf(replied) } })
      : Promise.resolve(),
    !reached || receivedBefore
      ? database
          .collection(SCANNERS)
          .where({ _id: scannerId(qr._id, scan.openid) })
          .update({ data: { lastReplyStatus: replyStatus } })
      : Promise.resolve(),
    database
      .collection(SENDS)
      .where({ _id: scan.dedupeKey })
      .update({ data: { status: replyStatus, items: outcomes, doneAt: Date.now() } }),
  ]);
  return { applied: true, qrId: qr._id, replyStatus, items: outcomes };
}

const scannerId = (qrId: string, openid: string) => `${qrId}:${openid}`;

function incOf(counters: Partial<ChannelQrMetrics>): Record<string, unknown> {
  const _ = db().command;
  return Object.fromEntries(
    Object.entries(counters)
      .filter(([, value]) => value !== 0)
      .map(([name, value]) => [name, _.inc(value)]),
  );
}

/** The scanner's document before this scan, moved by it (1 round trip, up to 3 on a race). */
async function recordScanner(qrId: string, scan: ChannelScan): Promise<ScannerBefore> {
  const scanners = db().collection(SCANNERS);
  const _ = db().command;
  const id = scannerId(qrId, scan.openid);
  const followed = scan.event === 'subscribe';
  try {
    await scanners.add({
      data: {
        _id: id,
        qrId,
        openid: scan.openid,
        firstScanAt: scan.at,
        lastScanAt: scan.at,
        scans: 1,
        followedFromQr: followed,
        received: false,
        lastReplyStatus: 'none',
      },
    });
    return { known: false, followedFromQr: false };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const moved = { scans: _.inc(1), lastScanAt: scan.at };
  if (followed) {
    const firstFollow = await scanners
      .where({ _id: id, followedFromQr: false })
      .update({ data: { ...moved, followedFromQr: true } });
    if (firstFollow.stats.updated > 0) return { known: true, followedFromQr: false };
  }
  await scanners.where({ _id: id }).update({ data: moved });
  return { known: true, followedFromQr: true };
}

/** Tag ids by name, creating the tags WeChat does not have yet (the first scan that needs them). */
async function tagIds(names: readonly string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const _ = db().command;
  const tags = db().collection(TAGS);
  const { data } = await tags
    .where({ _id: _.in([...names]) })
    .limit(names.length)
    .get();
  const known = new Map(
    (data as { _id: string; tagId: number }[]).map((tag) => [tag._id, tag.tagId]),
  );
  const missing = names.filter((name) => !known.has(name));
  await Promise.all(
    missing.map(async (name) => {
      const id = await createOrFindTag(name);
      if (id === undefined) return;
      known.set(name, id);
      await tags
        .add({ data: { _id: name, tagId: id, createdAt: Date.now() } })
        .catch((error: unknown) => {
          if (!isDuplicateKeyError(error)) throw error;
        });
    }),
  );
  return names.map((name) => known.get(name)).filter((id): id is number => id !== undefined);
}

async function createOrFindTag(name: string): Promise<number | undefined> {
  const apis = channelApis();
  try {
    return (await apis.createTag(name)).id;
  } catch (error) {
    if (!(error instanceof WeChatApiError)) throw error;
    // 45157: the name exists (made in the OA console, or by a racing scan): use that tag.
    if (error.errcode === 45157) return (await apis.getTags()).find((tag) => tag.name === name)?.id;
    // 45056: the account has its 100 tags; the scan goes on untagged, the log says why.
    console.error(`[oa] tag not created (${error.errcode} ${error.errmsg})`);
    return undefined;
  }
}

async function tagUser(names: readonly string[], openid: string): Promise<void> {
  const ids = await tagIds(names);
  const apis = channelApis();
  await Promise.all(
    ids.map((id) =>
      apis.batchTagging(id, [openid]).catch((error: unknown) => {
        // 45059: the user has 20 tags already; other tags still apply.
        console.error('[oa] batchtagging failed:', error instanceof Error ? error.message : error);
      }),
    ),
  );
}

/** Resolves every item's media first (in parallel), then sends in order. */
async function sendReplies(items: readonly ReplyItem[], openid: string): Promise<ItemOutcome[]> {
  if (items.length === 0) return [];
  const materials = await findMaterials([
    ...new Set(items.map(materialOf).filter((id): id is string => !!id)),
  ]);
  const media = await Promise.all(items.map((item) => resolveMedia(item, materials)));
  const apis = channelApis();
  const outcomes: ItemOutcome[] = [];
  let windowClosed = false;
  for (const [index, item] of items.entries()) {
    const resolved = media[index]!;
    if (windowClosed || resolved === undefined) {
      outcomes.push({ kind: item.kind, ok: false, ...(windowClosed ? { skipped: true } : {}) });
      continue;
    }
    try {
      await apis.sendCustomMessage(customMessage(openid, item, resolved));
      outcomes.push({ kind: item.kind, ok: true });
    } catch (error) {
      const errcode = error instanceof WeChatApiError ? error.errcode : undefined;
      outcomes.push({ kind: item.kind, ok: false, ...(errcode !== undefined ? { errcode } : {}) });
      if (errcode === WINDOW_CLOSED_ERRCODE || errcode === WINDOW_COUNT_ERRCODE)
        windowClosed = true;
      console.error('[oa] reply not sent:', error instanceof Error ? error.message : error);
    }
  }
  return outcomes;
}

/** The media an item needs; undefined when it cannot be had (the item is skipped, logged). */
async function resolveMedia(
  item: ReplyItem,
  materials: Map<string, MaterialRecord>,
): Promise<ResolvedMedia | undefined> {
  const id = materialOf(item);
  if (!id) return {};
  const material = materials.get(id);
  if (!material) {
    console.error(`[oa] reply ${item.kind}: material missing`);
    return undefined;
  }
  try {
    if (item.kind === 'news') {
      return material.articleId
        ? { articleId: material.articleId }
        : { newsMediaId: material.mediaId };
    }
    if (item.kind === 'link') return { thumbUrl: await thumbnailUrl(material) };
    return { mediaId: await freshMediaId(material) };
  } catch (error) {
    console.error(
      `[oa] reply ${item.kind}: media not ready:`,
      error instanceof Error ? error.message : error,
    );
    return undefined;
  }
}
