/**
 * Channel QR codes (WeChat's pages on parametric QR codes, customer-service messages and user
 * tags): pure rules, no I/O.
 *
 * - scene naming: each code gets its own `scene_str` (1–64 characters, WeChat's limit), never
 *   reused, so a scan names exactly one code;
 * - WeChat's QR limits: temporary codes live 60 s to 30 days; at most 100,000 permanent codes
 *   per account (errcode 45029 `qrcode count out of limit`);
 * - statuses: `creating` → `active` | `creation_failed`; `active` reads as `expired` once its
 *   `expiresAt` passed; any of them → `deleted` (the code still makes followers, WeChat cannot
 *   withdraw it, but nothing of ours applies any more);
 * - metrics, as the seed defines them (see `scanIncrements`);
 * - a reply item → the customer-service message WeChat documents (§6.2).
 */
import type {
  ChannelQrMetrics,
  ChannelQrStatus,
  ChannelQrType,
  ReplyItem,
} from '../../../typings/admin.js';

export const MAX_SCENE_LENGTH = 64;
export const MIN_EXPIRE_SECONDS = 60;
/** 30 days: WeChat's maximum for a temporary code. */
export const MAX_EXPIRE_SECONDS = 2_592_000;
export const DEFAULT_EXPIRE_SECONDS = MAX_EXPIRE_SECONDS;
export const PERMANENT_QR_QUOTA = 100_000;
/** WeChat's answer when the permanent quota is used up (community-reported, V1). */
export const QR_QUOTA_ERRCODE = 45029;

export const MAX_REPLY_ITEMS = 3;
/** WeChat: at most 100 tags per account, 20 per user, names ≤ 30 (we count UTF-8 bytes: stricter). */
export const MAX_TAGS_PER_ACCOUNT = 100;
export const MAX_TAGS_PER_USER = 20;
export const MAX_TAG_NAME_BYTES = 30;

/** WeChat's customer-service window errcodes (§6.1): recorded, never retried. */
export const WINDOW_CLOSED_ERRCODE = 45015;
export const WINDOW_COUNT_ERRCODE = 45047;

/** `qr_` + 20 base-36 characters from the caller's randomness: unique, well inside 64. */
export function sceneFor(randomHex: string): string {
  const scene = `qr_${BigInt(`0x${randomHex}`).toString(36).padStart(20, '0').slice(-20)}`;
  return scene.slice(0, MAX_SCENE_LENGTH);
}

export function isValidScene(scene: string): boolean {
  return scene.length >= 1 && scene.length <= MAX_SCENE_LENGTH;
}

export function tagNameFits(name: string): boolean {
  const bytes = Buffer.byteLength(name, 'utf8');
  return bytes >= 1 && bytes <= MAX_TAG_NAME_BYTES;
}

/** The `qrcode/create` body: string scenes only (`QR_STR_SCENE` / `QR_LIMIT_STR_SCENE`). */
export function qrcodeCreateBody(
  type: ChannelQrType,
  scene: string,
  expireSeconds: number | undefined,
): Record<string, unknown> {
  if (type === 'permanent') {
    return { action_name: 'QR_LIMIT_STR_SCENE', action_info: { scene: { scene_str: scene } } };
  }
  return {
    // Always sent: WeChat's default when omitted is 30 or 60 s (UNVERIFIED), never what we want.
    expire_seconds: expireSeconds ?? DEFAULT_EXPIRE_SECONDS,
    action_name: 'QR_STR_SCENE',
    action_info: { scene: { scene_str: scene } },
  };
}

export interface StoredQrState {
  status: 'creating' | 'active' | 'creation_failed' | 'deleted';
  /** Epoch ms, temporary codes once created. */
  expiresAt?: number;
}

/** The status a reader sees: an active temporary code past its time reads `expired`. */
export function statusAt(qr: StoredQrState, now: number): ChannelQrStatus {
  if (qr.status === 'active' && qr.expiresAt !== undefined && qr.expiresAt <= now) return 'expired';
  return qr.status;
}

/** Copy is refused only for a code whose creation failed (the seed). */
export function mayCopy(status: ChannelQrStatus): boolean {
  return status !== 'creation_failed';
}

/** Whether a scan of this code applies its tags, counts and replies. */
export function appliesScans(status: ChannelQrStatus): boolean {
  return status !== 'deleted' && status !== 'creation_failed';
}

/**
 * What the console says before a delete (the seed names two prompts: one for codes users may still
 * scan, one for codes that no longer work). Every status but `deleted` may be deleted.
 */
export function deletePrompt(statuses: readonly ChannelQrStatus[]): string {
  const live = statuses.some((status) => status === 'active' || status === 'creating');
  if (live) {
    return '删除后，受微信限制该二维码仍可扫码关注公众号，但其渠道、标签和自动回复等配置将不再生效。确定删除吗？';
  }
  return '二维码已过期或创建失败，删除后将不再显示在列表中。确定删除吗？';
}

export function mayDelete(status: ChannelQrStatus): boolean {
  return status !== 'deleted';
}

/** What one scanner's document said before this scan. */
export interface ScannerBefore {
  /** The user scanned this code before (any event). */
  known: boolean;
  /** A follow from this code was already counted for the user. */
  followedFromQr: boolean;
}

/**
 * The counters one scan moves. A scan is a push WeChat sends: a follower's SCAN or a
 * non-follower's follow from the code (a non-follower who scans and does not follow sends
 * nothing, so is not counted). New followers: distinct users whose follow came from this code, so
 * an unfollow and refollow through it counts once.
 */
export function scanIncrements(
  event: 'subscribe' | 'SCAN',
  before: ScannerBefore,
): Pick<ChannelQrMetrics, 'scans' | 'scanners' | 'newFollowers'> {
  return {
    scans: 1,
    scanners: before.known ? 0 : 1,
    newFollowers: event === 'subscribe' && !before.followedFromQr ? 1 : 0,
  };
}

export type ReplyStatus = 'sent' | 'partial' | 'failed' | 'none';

/** A scan's welcome as a whole: sent when every item arrived, partial when some did. */
export function replyStatusOf(delivered: number, items: number): ReplyStatus {
  if (items === 0) return 'none';
  if (delivered === items) return 'sent';
  return delivered > 0 ? 'partial' : 'failed';
}

/**
 * The counters a welcome moves: replies sent counts scans whose welcome reached the user (at
 * least one item), replies received counts users (the first welcome each user received).
 */
export function replyIncrements(
  status: ReplyStatus,
  receivedBefore: boolean,
): Pick<ChannelQrMetrics, 'repliesSent' | 'repliesReceived'> {
  const reached = status === 'sent' || status === 'partial';
  return { repliesSent: reached ? 1 : 0, repliesReceived: reached && !receivedBefore ? 1 : 0 };
}

export const EMPTY_METRICS: ChannelQrMetrics = {
  scans: 0,
  scanners: 0,
  newFollowers: 0,
  repliesSent: 0,
  repliesReceived: 0,
};

/** What a reply item needs from the material hub, resolved before it is sent. */
export interface ResolvedMedia {
  /** WeChat media_id of the item's material (image, voice, video) or thumbnail. */
  mediaId?: string;
  /** A published article (news material of the drafts). */
  articleId?: string;
  /** A news material kept as permanent mpnews media. */
  newsMediaId?: string;
  /** A link card's thumbnail as a URL (news articles carry `picurl`). */
  thumbUrl?: string;
}

/**
 * A reply item as the `message/custom/send` body WeChat documents (§6.2). Text passes through
 * untouched: emoji, line breaks and `<a href>` / `data-miniprogram-appid` links are WeChat's to
 * render. A link card is sent as `news` with one article ({title, description, url, picurl}):
 * that is the documented Official Account form (`msgtype: link` is documented only for Mini
 * Program customer service).
 */
export function customMessage(
  openid: string,
  item: ReplyItem,
  media: ResolvedMedia,
): Record<string, unknown> {
  const need = (value: string | undefined, what: string): string => {
    if (!value) throw new Error(`reply ${item.kind} has no ${what}`);
    return value;
  };
  switch (item.kind) {
    case 'text':
      return { touser: openid, msgtype: 'text', text: { content: item.text } };
    case 'image':
      return {
        touser: openid,
        msgtype: 'image',
        image: { media_id: need(media.mediaId, 'media') },
      };
    case 'voice':
      return {
        touser: openid,
        msgtype: 'voice',
        voice: { media_id: need(media.mediaId, 'media') },
      };
    case 'video':
      return {
        touser: openid,
        msgtype: 'video',
        video: {
          media_id: need(media.mediaId, 'media'),
          title: item.title,
          description: item.description,
        },
      };
    case 'news':
      if (media.articleId) {
        return {
          touser: openid,
          msgtype: 'mpnewsarticle',
          mpnewsarticle: { article_id: media.articleId },
        };
      }
      return {
        touser: openid,
        msgtype: 'mpnews',
        mpnews: { media_id: need(media.newsMediaId, 'article') },
      };
    case 'miniprogram':
      return {
        touser: openid,
        msgtype: 'miniprogrampage',
        miniprogrampage: {
          title: item.title,
          appid: item.appid,
          pagepath: item.pagePath,
          thumb_media_id: need(media.mediaId, 'thumbnail'),
        },
      };
    case 'link':
      return {
        touser: openid,
        msgtype: 'news',
        news: {
          articles: [
            {
              title: item.title,
              description: item.description,
              url: item.url,
              picurl: need(media.thumbUrl, 'thumbnail'),
            },
          ],
        },
      };
  }
}

/** The material a reply item needs, if any, and whether it is the thumbnail. */
export function materialOf(item: ReplyItem): string | undefined {
  switch (item.kind) {
    case 'text':
      return undefined;
    case 'miniprogram':
    case 'link':
      return item.thumbMaterialId;
    default:
      return item.materialId;
  }
}

/** WeChat's temporary media expire after 3 days; renew when older than this. */
export const MEDIA_RENEW_AFTER_MS = 2.5 * 24 * 3600_000;

export function mediaIsFresh(uploadedAt: number | undefined, now: number): boolean {
  return uploadedAt !== undefined && now - uploadedAt < MEDIA_RENEW_AFTER_MS;
}

/** WeChat's temporary media limits (§6.3; the image limit is the seed's and WeChat's new page). */
export const MEDIA_LIMITS = {
  image: { maxBytes: 10 * 1024 * 1024, formats: ['png', 'jpeg', 'gif'] },
  voice: { maxBytes: 2 * 1024 * 1024, formats: ['mp3', 'amr'] },
  video: { maxBytes: 10 * 1024 * 1024, formats: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, formats: ['jpeg'] },
} as const;

export type MediaType = keyof typeof MEDIA_LIMITS;
export type FileFormat = 'png' | 'jpeg' | 'gif' | 'mp3' | 'amr' | 'mp4';

/** The file's format from its first bytes (never from a name the uploader chose). */
export function sniffFormat(head: Uint8Array): FileFormat | undefined {
  const b = Buffer.from(head.subarray(0, 16));
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])))
    return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (b.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (b.subarray(0, 3).toString('latin1') === 'ID3') return 'mp3';
  if (b.length >= 2 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) return 'mp3';
  if (b.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return undefined;
}

/** Why a file cannot be `type` media, or undefined when it can. */
export function mediaProblem(
  type: MediaType,
  format: FileFormat | undefined,
  size: number,
): string | undefined {
  const limit = MEDIA_LIMITS[type];
  if (!format || !(limit.formats as readonly string[]).includes(format)) {
    return `格式须为 ${limit.formats.join('/').toUpperCase()}`;
  }
  if (size <= 0 || size > limit.maxBytes) {
    return `文件须小于 ${limit.maxBytes >= 1024 * 1024 ? `${limit.maxBytes / 1024 / 1024} MB` : `${limit.maxBytes / 1024} KB`}`;
  }
  return undefined;
}
