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
import type { ReplyItem } from '../../../typings/admin.js';
import {
  type ReplyStatus,
  type ResolvedMedia,
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
import { addQrMetrics, findQrByScene } from '../data/oa-qrcodes.js';
import { findMaterials, type MaterialRecord } from '../data/oa-materials.js';
import {
  markScannerReceived,
  recordScanner,
  setScannerReplyStatus,
} from '../data/oa-qr-scanners.js';
import { claimReplySend, finishReplySend } from '../data/oa-reply-sends.js';
import { knownTagIds, rememberTag } from '../data/oa-tags.js';
import { freshMediaId, thumbnailUrl } from './materials.js';

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
  const qr = await findQrByScene(scene);
  if (!qr) return { applied: false, reason: 'unknown_scene' };
  if (!appliesScans(statusAt(qr, scan.at))) return { applied: false, reason: 'not_applied_status' };

  const claimed = await claimReplySend({
    _id: scan.dedupeKey,
    qrId: qr._id,
    openid: scan.openid,
    event: scan.event,
    at: scan.at,
  });
  if (!claimed) return { applied: false, reason: 'duplicate' };

  const before = await recordScanner(qr._id, scan.openid, scan.event === 'subscribe', scan.at);
  const increments = scanIncrements(scan.event, before);
  const counted = addQrMetrics(qr._id, increments);

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
    receivedBefore = !(await markScannerReceived(qr._id, scan.openid, replyStatus));
  }
  const replied = replyIncrements(replyStatus, receivedBefore);
  await Promise.all([
    reached ? addQrMetrics(qr._id, replied) : Promise.resolve(),
    !reached || receivedBefore
      ? setScannerReplyStatus(qr._id, scan.openid, replyStatus)
      : Promise.resolve(),
    finishReplySend(scan.dedupeKey, replyStatus, outcomes, Date.now()),
  ]);
  return { applied: true, qrId: qr._id, replyStatus, items: outcomes };
}

/** Tag ids by name, creating the tags WeChat does not have yet (the first scan that needs them). */
async function tagIds(names: readonly string[]): Promise<number[]> {
  if (names.length === 0) return [];
  const known = await knownTagIds(names);
  const missing = names.filter((name) => !known.has(name));
  await Promise.all(
    missing.map(async (name) => {
      const id = await createOrFindTag(name);
      if (id === undefined) return;
      known.set(name, id);
      await rememberTag(name, id, Date.now());
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
