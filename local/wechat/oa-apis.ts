/**
 * The Official Account APIs a channel QR code needs, as WeChat documents them
 * (its pages on QR codes, customer-service messages and user tags): parametric QR codes and their
 * images, user tags, user info, customer-service messages inside WeChat's sending window, and
 * temporary media. State lives in the simulator's meta table (one JSON value per key), like the
 * follow state oa-push.ts keeps.
 *
 * The sending window (§6.1): a follow or a channel-QR scan grants 3 messages within 1 minute (a
 * user's message would grant 5 within 48 h; messages are not simulated). A send uses the grant
 * that ends first among the live ones with messages left; none live (or the user unfollowed) →
 * 45015, live ones all used → 45047. Window times follow the simulator's clock, so a test moves
 * the clock past a minute to close it. Every delivered message lands in the user's chat
 * (`/_sim/oa/chat?openid=`), in order.
 */
import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { optionalText, requireText, type Body } from './args';
import type { SimulatorConfig } from './config';
import { WechatApiError, invalidArgs } from './errors';
import type { SimulatorStore } from './store';

export const OaErrcode = {
  InvalidOpenid: 40003,
  InvalidMediaType: 40004,
  InvalidFileType: 40005,
  InvalidFileSize: 40006,
  InvalidMediaId: 40007,
  InvalidMessageType: 40008,
  InvalidOpenidListSize: 40032,
  MediaDataMissing: 41005,
  ArticleSizeOutOfLimit: 45008,
  ResponseOutOfTimeLimit: 45015,
  QrcodeCountOutOfLimit: 45029,
  ResponseCountLimit: 45047,
  TooManyTags: 45056,
  SystemTag: 45058,
  UserTooManyTags: 45059,
  InvalidTagName: 45157,
  TagNameTooLong: 45158,
  InvalidTagId: 45159,
} as const;

const error = (errcode: number, errmsg: string) => new WechatApiError(errcode, errmsg);

/** §6.1: a follow or a channel-QR scan lets the account send 3 messages within 1 minute. */
export const EVENT_WINDOW = { quota: 3, ms: 60_000 } as const;
/** §4: temporary codes live at most 30 days; WeChat's default when omitted (V1). */
export const MAX_EXPIRE_SECONDS = 2_592_000;
export const DEFAULT_EXPIRE_SECONDS = 60;
/** §6.3: temporary media live 3 days. */
export const MEDIA_TTL_MS = 3 * 24 * 3600_000;
/** §6.3 limits; images 10 MB as WeChat's current page and the seed say. */
export const MEDIA_LIMITS: Record<string, { maxBytes: number; types: readonly string[] }> = {
  image: { maxBytes: 10 * 1024 * 1024, types: ['png', 'jpeg', 'gif'] },
  voice: { maxBytes: 2 * 1024 * 1024, types: ['mp3', 'amr'] },
  video: { maxBytes: 10 * 1024 * 1024, types: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, types: ['jpeg'] },
};
const MAX_TAGS = 100;
const MAX_TAGS_PER_USER = 20;
const MAX_TAG_NAME = 30;
/** Tag 2 (星标组) exists in every account; 0–2 are reserved. */
const SYSTEM_TAGS = [{ id: 2, name: '星标组' }];

interface QrRow {
  scene: string;
  url: string;
  permanent: boolean;
  expiresAt?: number;
}
interface TagState {
  nextId: number;
  tags: { id: number; name: string }[];
}
interface Grant {
  quota: number;
  used: number;
  expiresAt: number;
}
export interface ChatMessage {
  at: number;
  msgtype: string;
  [field: string]: unknown;
}
interface MediaRow {
  type: string;
  createdAt: number;
  size: number;
}
export interface DraftRow {
  mediaId: string;
  updateTime: number;
  articles: {
    title: string;
    author: string;
    digest: string;
    content: string;
    content_source_url: string;
    thumb_media_id: string;
    need_open_comment: number;
    only_fans_can_comment: number;
    url: string;
  }[];
}

const draftArticle = (title: string, digest: string, n: number) => ({
  title,
  author: '码上',
  digest,
  content: `<p>${digest}</p>`,
  content_source_url: '',
  thumb_media_id: `sim-thumb-${n}`,
  need_open_comment: 0,
  only_fans_can_comment: 0,
  url: `http://mp.weixin.qq.com/s?__biz=sim&tempkey=draft-${n}`,
});

/** What a demo account holds in its 草稿箱 (one of them with two articles). */
const SEEDED_DRAFTS: DraftRow[] = [
  {
    mediaId: 'sim-draft-spring',
    updateTime: 1_767_225_600,
    articles: [draftArticle('春季新品上市', '扫码关注，第一时间了解新品', 1)],
  },
  {
    mediaId: 'sim-draft-origin',
    updateTime: 1_767_139_200,
    articles: [draftArticle('一瓶好水的溯源之旅', '从水源地到你的手中', 2)],
  },
  {
    mediaId: 'sim-draft-weekly',
    updateTime: 1_767_052_800,
    articles: [
      draftArticle('本周精选', '两篇文章的草稿', 3),
      draftArticle('门店活动', '线下门店活动一览', 4),
    ],
  },
];

interface FollowState {
  following: boolean;
  since: number;
  scene?: string;
}

export class OaApis {
  constructor(
    private readonly store: SimulatorStore,
    private readonly now: () => number,
    private readonly config: () => SimulatorConfig,
  ) {}

  // QR codes (§4)

  qrcodeCreate(body: Body): object {
    const action = requireText(body, 'action_name', 32);
    const info = body.action_info as
      { scene?: { scene_str?: unknown; scene_id?: unknown } } | undefined;
    const scene = info?.scene;
    const permanent = action === 'QR_LIMIT_STR_SCENE' || action === 'QR_LIMIT_SCENE';
    let sceneValue: string;
    if (action === 'QR_STR_SCENE' || action === 'QR_LIMIT_STR_SCENE') {
      const value = scene?.scene_str;
      if (typeof value !== 'string' || value.length < 1 || value.length > 64)
        throw invalidArgs('scene_str must be 1 to 64 characters');
      sceneValue = value;
    } else if (action === 'QR_SCENE' || action === 'QR_LIMIT_SCENE') {
      const value = scene?.scene_id;
      const max = permanent ? 100_000 : 0xffffffff;
      if (!Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > max)
        throw invalidArgs(`scene_id must be 1 to ${max}`);
      sceneValue = String(value);
    } else {
      throw invalidArgs('action_name');
    }
    const ticket = `gQ${randomBytes(36).toString('base64url')}`;
    const url = `http://weixin.qq.com/q/${randomBytes(16).toString('base64url')}`;
    if (permanent) {
      const count = this.store.readMeta<number>('oaQrPermanentCount') ?? 0;
      if (count >= this.config().permanentQrLimit)
        throw error(OaErrcode.QrcodeCountOutOfLimit, 'qrcode count out of limit');
      this.store.writeMeta('oaQrPermanentCount', count + 1);
      this.store.writeMeta(`oaQr:${ticket}`, { scene: sceneValue, url, permanent } satisfies QrRow);
      return { ticket, url };
    }
    // WeChat takes at most 30 days; more is cut to 30 days (UNVERIFIED: it may refuse instead).
    const requested = body.expire_seconds;
    if (requested !== undefined && (!Number.isSafeInteger(requested) || (requested as number) < 1))
      throw invalidArgs('expire_seconds');
    const expireSeconds = Math.min(
      (requested as number | undefined) ?? DEFAULT_EXPIRE_SECONDS,
      MAX_EXPIRE_SECONDS,
    );
    const row: QrRow = {
      scene: sceneValue,
      url,
      permanent,
      expiresAt: this.now() + expireSeconds * 1000,
    };
    this.store.writeMeta(`oaQr:${ticket}`, row);
    return { ticket, expire_seconds: expireSeconds, url };
  }

  /** The PNG of a live ticket's QR code, or undefined (WeChat answers 404). */
  async qrImage(ticket: string | undefined): Promise<Buffer | undefined> {
    if (!ticket) return undefined;
    const row = this.store.readMeta<QrRow>(`oaQr:${ticket}`);
    if (!row || (row.expiresAt !== undefined && row.expiresAt <= this.now())) return undefined;
    return QRCode.toBuffer(row.url, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 430,
    });
  }

  /** The scene a ticket was made for (the simulator's scan accepts a ticket instead of a scene). */
  sceneOf(ticket: string): string | undefined {
    return this.store.readMeta<QrRow>(`oaQr:${ticket}`)?.scene;
  }

  // Tags (§7)

  private tagState(): TagState {
    return this.store.readMeta<TagState>('oaTags') ?? { nextId: 100, tags: [] };
  }

  private allTags(): { id: number; name: string }[] {
    return [...SYSTEM_TAGS, ...this.tagState().tags];
  }

  tagsCreate(body: Body): object {
    const name = (body.tag as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.trim() === '')
      throw error(OaErrcode.InvalidTagName, 'invalid tag name');
    if (name.length > MAX_TAG_NAME) throw error(OaErrcode.TagNameTooLong, 'tag name too long');
    const state = this.tagState();
    if (this.allTags().some((tag) => tag.name === name))
      throw error(OaErrcode.InvalidTagName, 'invalid tag name');
    if (state.tags.length >= MAX_TAGS)
      throw error(OaErrcode.TooManyTags, 'too many tags now, no need to add new');
    const tag = { id: state.nextId, name };
    this.store.writeMeta('oaTags', { nextId: state.nextId + 1, tags: [...state.tags, tag] });
    return { tag };
  }

  tagsGet(): object {
    const counts = this.store.readMeta<Record<string, number>>('oaTagCounts') ?? {};
    return { tags: this.allTags().map((tag) => ({ ...tag, count: counts[tag.id] ?? 0 })) };
  }

  tagsDelete(body: Body): object {
    const id = (body.tag as { id?: unknown } | undefined)?.id;
    if (id === 0 || id === 1 || id === 2) throw error(OaErrcode.SystemTag, "can't modify sys tag");
    const state = this.tagState();
    if (!state.tags.some((tag) => tag.id === id))
      throw error(OaErrcode.InvalidTagId, 'invalid tag id');
    this.store.writeMeta('oaTags', { ...state, tags: state.tags.filter((tag) => tag.id !== id) });
    return {};
  }

  batchTagging(body: Body, tagging: boolean): object {
    const list = body.openid_list;
    const tagId = body.tagid;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50)
      throw error(OaErrcode.InvalidOpenidListSize, 'invalid openid list size');
    if (!this.allTags().some((tag) => tag.id === tagId))
      throw error(OaErrcode.InvalidTagId, 'invalid tag id');
    for (const openid of list) {
      if (typeof openid !== 'string' || !this.follow(openid))
        throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    }
    const counts = this.store.readMeta<Record<string, number>>('oaTagCounts') ?? {};
    for (const openid of list as string[]) {
      const tags = this.userTags(openid);
      const has = tags.includes(tagId as number);
      if (tagging && !has) {
        if (tags.length >= MAX_TAGS_PER_USER)
          throw error(OaErrcode.UserTooManyTags, 'has too many tags');
        this.store.writeMeta(`oaUserTags:${openid}`, [...tags, tagId]);
        counts[tagId as number] = (counts[tagId as number] ?? 0) + 1;
      } else if (!tagging && has) {
        this.store.writeMeta(
          `oaUserTags:${openid}`,
          tags.filter((id) => id !== tagId),
        );
        counts[tagId as number] = Math.max(0, (counts[tagId as number] ?? 1) - 1);
      }
    }
    this.store.writeMeta('oaTagCounts', counts);
    return {};
  }

  userTags(openid: string): number[] {
    return this.store.readMeta<number[]>(`oaUserTags:${openid}`) ?? [];
  }

  /** Tag names of a user, for tests and the preview. */
  userTagNames(openid: string): string[] {
    const tags = this.allTags();
    return this.userTags(openid).map((id) => tags.find((tag) => tag.id === id)?.name ?? String(id));
  }

  // Users (§7)

  private follow(openid: string): FollowState | undefined {
    return this.store.readMeta<FollowState>(`oaFollower:${openid}`);
  }

  userInfo(query: Body): object {
    const openid = requireText(query, 'openid', 128);
    const state = this.follow(openid);
    if (!state) throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    if (!state.following) return { subscribe: 0, openid, tagid_list: this.userTags(openid) };
    return {
      subscribe: 1,
      openid,
      language: 'zh_CN',
      subscribe_time: Math.floor(state.since / 1000),
      remark: '',
      groupid: 0,
      tagid_list: this.userTags(openid),
      subscribe_scene: state.scene ? 'ADD_SCENE_QR_CODE' : 'ADD_SCENE_SEARCH',
      qr_scene: 0,
      qr_scene_str: state.scene ?? '',
    };
  }

  // The sending window and customer-service messages (§6)

  /** A follow or a channel-QR scan reached the account: 3 messages within 1 minute. */
  openWindow(openid: string): void {
    const now = this.now();
    const live = this.grants(openid).filter((grant) => grant.expiresAt > now);
    live.push({ quota: EVENT_WINDOW.quota, used: 0, expiresAt: now + EVENT_WINDOW.ms });
    this.store.writeMeta(`oaWindow:${openid}`, live);
  }

  private grants(openid: string): Grant[] {
    return this.store.readMeta<Grant[]>(`oaWindow:${openid}`) ?? [];
  }

  customSend(body: Body): object {
    const openid = requireText(body, 'touser', 128);
    const state = this.follow(openid);
    if (!state) throw error(OaErrcode.InvalidOpenid, 'invalid openid');
    const message = this.checkMessage(body);
    const now = this.now();
    const live = this.grants(openid).filter((grant) => grant.expiresAt > now);
    if (!state.following || live.length === 0)
      throw error(
        OaErrcode.ResponseOutOfTimeLimit,
        'response out of time limit or subscription is canceled',
      );
    const grant = live.sort((a, b) => a.expiresAt - b.expiresAt).find((g) => g.used < g.quota);
    if (!grant) throw error(OaErrcode.ResponseCountLimit, 'out of response count limit');
    grant.used += 1;
    this.store.writeMeta(`oaWindow:${openid}`, live);
    const chat = this.chat(openid);
    chat.push({ at: now, ...message });
    this.store.writeMeta(`oaChat:${openid}`, chat);
    return {};
  }

  chat(openid: string): ChatMessage[] {
    return this.store.readMeta<ChatMessage[]>(`oaChat:${openid}`) ?? [];
  }

  /** The message's own object, checked as §6.2 documents it. */
  private checkMessage(body: Body): { msgtype: string; [field: string]: unknown } {
    const msgtype = requireText(body, 'msgtype', 32);
    const content = body[msgtype];
    if (typeof content !== 'object' || content === null || Array.isArray(content))
      throw invalidArgs(`${msgtype} is required`);
    const fields = content as Body;
    const media = (name: string) => {
      const id = requireText(fields, name, 256);
      const row = this.store.readMeta<MediaRow>(`oaMedia:${id}`);
      if (!row || row.createdAt + MEDIA_TTL_MS <= this.now())
        throw error(OaErrcode.InvalidMediaId, 'invalid media_id');
    };
    switch (msgtype) {
      case 'text':
        requireText(fields, 'content', 20_000);
        break;
      case 'image':
      case 'voice':
        media('media_id');
        break;
      case 'video':
        media('media_id');
        optionalText(fields, 'title', 256);
        optionalText(fields, 'description', 1024);
        break;
      case 'news': {
        const articles = fields.articles;
        if (!Array.isArray(articles) || articles.length === 0) throw invalidArgs('articles');
        if (articles.length > 1)
          throw error(OaErrcode.ArticleSizeOutOfLimit, 'article size out of limit');
        const article = articles[0] as Body;
        requireText(article, 'title', 256);
        requireText(article, 'url', 2048);
        optionalText(article, 'description', 1024);
        optionalText(article, 'picurl', 2048);
        break;
      }
      case 'mpnews':
        requireText(fields, 'media_id', 256);
        break;
      case 'mpnewsarticle':
        requireText(fields, 'article_id', 256);
        break;
      case 'miniprogrampage':
        requireText(fields, 'title', 256);
        requireText(fields, 'appid', 64);
        requireText(fields, 'pagepath', 1024);
        media('thumb_media_id');
        break;
      case 'music':
      case 'msgmenu':
      case 'wxcard':
        break;
      default:
        throw error(OaErrcode.InvalidMessageType, 'invalid message type');
    }
    return { msgtype, [msgtype]: content };
  }

  // Drafts (草稿箱): `/cgi-bin/draft/batchget` as WeChat documents it

  /** The account's drafts, newest first; a fresh account has the seeded ones until cleared. */
  drafts(): DraftRow[] {
    return this.store.readMeta<DraftRow[]>('oaDrafts') ?? SEEDED_DRAFTS;
  }

  /** Replaces the drafts (an empty list is an account with none). */
  setDrafts(drafts: DraftRow[]): void {
    this.store.writeMeta('oaDrafts', drafts);
  }

  draftBatchget(body: Body): object {
    const offset = body.offset;
    const count = body.count;
    if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw invalidArgs('offset');
    if (!Number.isSafeInteger(count) || (count as number) < 1 || (count as number) > 20)
      throw invalidArgs('count must be 1 to 20');
    const all = this.drafts();
    const page = all.slice(offset as number, (offset as number) + (count as number));
    const noContent = body.no_content === 1;
    return {
      total_count: all.length,
      item_count: page.length,
      item: page.map((draft) => ({
        media_id: draft.mediaId,
        ...(noContent ? {} : { content: { news_item: draft.articles } }),
        update_time: draft.updateTime,
      })),
    };
  }

  // Temporary media (§6.3)

  mediaUpload(
    type: string | undefined,
    file: { data: Buffer; filename: string } | undefined,
  ): object {
    const limit = type ? MEDIA_LIMITS[type] : undefined;
    if (!type || !limit) throw error(OaErrcode.InvalidMediaType, 'invalid media type');
    if (!file || file.data.length === 0)
      throw error(OaErrcode.MediaDataMissing, 'media data missing');
    const format = sniff(file.data);
    if (!format || !limit.types.includes(format))
      throw error(OaErrcode.InvalidFileType, 'invalid file type');
    if (file.data.length > limit.maxBytes)
      throw error(OaErrcode.InvalidFileSize, 'invalid media size');
    const createdAt = this.now();
    const mediaId = `${createHash('sha256').update(file.data).update(String(createdAt)).update(randomBytes(8)).digest('base64url')}`;
    this.store.writeMeta(`oaMedia:${mediaId}`, {
      type,
      createdAt,
      size: file.data.length,
    } satisfies MediaRow);
    return { type, media_id: mediaId, created_at: Math.floor(createdAt / 1000) };
  }
}

function sniff(data: Buffer): string | undefined {
  if (data.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.subarray(0, 4).toString('latin1') === 'GIF8') return 'gif';
  if (data.subarray(0, 6).toString('latin1') === '#!AMR\n') return 'amr';
  if (data.subarray(0, 3).toString('latin1') === 'ID3') return 'mp3';
  if (data[0] === 0xff && (data[1]! & 0xe0) === 0xe0) return 'mp3';
  if (data.subarray(4, 8).toString('latin1') === 'ftyp') return 'mp4';
  return undefined;
}
